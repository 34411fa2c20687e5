## The demo's web chat: what the person picker says beside each name (plain text).

demo-role-admin = مدیر
demo-role-leader = سرگروه
demo-role-member = عضو
demo-role-coordinator = هماهنگ‌کننده
demo-role-newcomer = تازه‌وارد
demo-about-admin = مدیر کل شبکه: پویش‌ها، کانال‌ها، نقش‌ها و گروه‌های همهٔ استان‌ها.
demo-about-leader = سرگروه «{$group}»: گزارش خدمت ثبت می‌کند و اعضا را دعوت می‌کند.
demo-about-member = عضو «{$group}»: کارنامهٔ گروه و پیشرفت پویش را می‌بیند.
demo-about-coordinator = هماهنگ‌کنندهٔ استان {$province}: گزارش‌های تازهٔ استان را بررسی و تأیید می‌کند.
demo-about-newcomer = هنوز عضو گروهی نیست: گروهی نزدیک خودش پیدا می‌کند یا گروه تازه می‌سازد.
demo-about-group-leader = سرگروه «{$group}» در {$county}: پیام‌های ربات به او، مثل تأیید گزارش‌ها و یادآوری‌ها، این‌جا می‌رسد.

## The command line's demo option (plain text).

cli-fresh-help = پایگاه‌دادهٔ نسخهٔ نمایشی را از نو بسازد (بی آن، دادهٔ اجرای قبلی می‌ماند)
demo-channel-title = کانال خبری خدمت‌یار
# The demo's Telegram groups: the first group's volunteers, and the coordinator's with her
# province's leaders (where cards and a campaign's progress can be shared).
demo-group-chat-title = داوطلبان امید اراک
demo-leaders-chat-title = سرگروه‌های استان {$province}
