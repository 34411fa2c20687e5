## The demo's web chat: what the person picker says beside each name (plain text).

demo-role-admin = مدیر
demo-role-leader = سرگروه
demo-role-member = عضو
demo-role-coordinator = هماهنگ‌کننده
demo-role-newcomer = تازه‌وارد

## The command line's demo option (plain text).

cli-fresh-help = پایگاه‌دادهٔ نسخهٔ نمایشی را از نو بسازد (بی آن، دادهٔ اجرای قبلی می‌ماند)
demo-channel-title = کانال خبری خدمت‌یار
