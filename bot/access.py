"""Who may do what: the one policy every command, menu button and inline button passes through.

Every command and every button is checked here, before any feature handler runs
(handlers.middleware calls check_access in a negative handler group). Callback data is client
input: a button whose prefix:action has no rule is refused, and a rule re-checks the ids it
carries against the database. Handlers then look rows up by id and refuse what does not exist.
Ids are range-checked once, in bot.keyboards.parse_cb. Typed answers inside a flow are held to
FLOWS: on every update, each open flow of the person is checked against their role at that moment
(handlers.middleware.guard_flows), so a role lost mid-flow ends the flow at the next update.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot.context import Context
from bot.i18n import label, t
from bot.keyboards import MENU_KEYS, Callback, parse_cb
from bot.principal import Principal
from db.store import Store

log = logging.getLogger(__name__)


Rule = Callable[[Principal, Callback, Store], Awaitable[bool]]
FlowRule = Callable[[Principal, dict[str, Any], Store], Awaitable[bool]]


async def anyone(who: Principal, data: Callback, store: Store) -> bool:
    """Any registered user."""
    return True


async def admin(who: Principal, data: Callback, store: Store) -> bool:
    """Admins only."""
    return who.admin


async def overseer(who: Principal, data: Callback, store: Store) -> bool:
    """Admins and coordinators."""
    return who.admin or who.coordinator


async def leader_of_first(who: Principal, data: Callback, store: Store) -> bool:
    """The leader of the group whose id comes first in the data."""
    return who.leads(data.id(0))


async def member_of_first(who: Principal, data: Callback, store: Store) -> bool:
    """A member (any role) of the group whose id comes first in the data."""
    return who.member_of(data.id(0))


async def overseer_of_first_group(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the group whose id comes first."""
    if who.admin:
        return True
    group_id = data.id(0)
    group = await store.groups.get(group_id) if group_id is not None else None
    return group is not None and who.oversees(group.province_id)


async def overseer_of_first_province(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province whose id comes first in the data."""
    return who.oversees(data.id(0))


async def reporter(who: Principal, data: Callback, store: Store) -> bool:
    """Anyone who leads at least one active group (and so may report)."""
    return bool(who.reporting_groups)


async def reporter_of_first_report(who: Principal, data: Callback, store: Store) -> bool:
    """The volunteer who saved the report whose id comes first in the data."""
    report = await store.reports.get(data.id(0) or 0)
    return report is not None and report.reporter_id == who.user_id


async def overseer_of_first_report(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the report whose id comes first."""
    report = await store.reports.get(data.id(0) or 0)
    return report is not None and who.oversees(report.province_id)


async def overseer_of_report_and_origin(who: Principal, data: Callback, store: Store) -> bool:
    """An admin, or a coordinator of the province of the report whose id comes first and of
    the report it was opened from (the second id, if any: its receipt is on a button)."""
    for report_id in data.ids[:2]:
        report = await store.reports.get(report_id)
        if report is None or not who.oversees(report.province_id):
            return False
    return bool(data.ids)


async def leader_of_first_request(who: Principal, data: Callback, store: Store) -> bool:
    """A leader of the group a request to join (whose id comes first in the data) is for."""
    request = await store.join_requests.get(data.id(0) or 0)
    return request is not None and who.leads(request.group_id)


async def offered_to_join(who: Principal, data: Callback, store: Store) -> bool:
    """Someone who was shown an invite (by its code) and has not answered yet."""
    stored = await store.state.draft(who.user_id, "join")
    return stored is not None and stored.data.get("invite_id") is not None


def _actions(rule: Rule, prefix: str, *actions: str) -> dict[str, Rule]:
    return {f"{prefix}:{action}": rule for action in actions}


# The whole policy, in one place. Inline buttons are keyed "prefix:action" and anything missing
# is refused; commands and main-menu buttons (by locale key) carry the key of their refusal,
# and those missing are open to everyone who wrote to the bot.
BUTTONS: dict[str, Rule] = {
    **_actions(anyone, "onb", "join", "create"),
    **_actions(anyone, "flow", "resume", "cancel", "discard", "switch"),
    **_actions(offered_to_join, "join", "ok", "no"),
    **_actions(anyone, "join", "back", "cancel"),
    **_actions(
        anyone, "ng", "prov", "cpage", "county", "spec", "name", "place", "ok", "back", "cancel"
    ),
    **_actions(overseer_of_first_group, "apr", "ok", "no", "noyes", "ask"),
    **_actions(member_of_first, "grp", "card", "leave", "leaveok"),
    **_actions(anyone, "grps", "page"),
    **_actions(
        leader_of_first,
        "grp",
        "members",
        "member",
        "remove",
        "removeok",
        "promote",
        "demote",
        "invite",
        "inviteok",
        "revoke",
        "remind",
    ),
    **_actions(leader_of_first, "rmd", "report", "off"),
    **_actions(overseer, "adm", "menu", "groups", "pending", "search", "reviewchat"),
    **_actions(overseer, "adf", "pick", "ok", "back", "cancel"),
    **_actions(admin, "adm", "chans", "addchan"),
    **_actions(admin, "dig", "post"),
    **_actions(admin, "chn", "card", "pause", "resume", "rm", "rmok", "sched"),
    **_actions(admin, "chs", "day", "def", "at", "back", "cancel"),
    **_actions(admin, "chf", "national", "prov", "camp", "back", "cancel"),
    **_actions(
        admin,
        "adm",
        "coords",
        "coord",
        "addcoord",
        "addprov",
        "cprov",
        "rmcoord",
        "admins",
        "addadmin",
        "rmadmin",
    ),
    **_actions(
        overseer_of_first_group, "adm", "group", "rename", "merge", "transfer", "mergeto", "mergeok"
    ),
    **_actions(leader_of_first, "rep", "grp"),
    **_actions(
        reporter,
        "rep",
        "gpage",
        "camp",
        "area",
        "svc",
        "bigok",
        "bigno",
        "skip",
        "same",
        "pick",
        "loc",
        "prov",
        "cpage",
        "county",
        "day",
        "pdone",
        "nophoto",
        "trim",
        "pclear",
        "edit",
        "save",
        "back",
        "cancel",
    ),
    **_actions(reporter_of_first_report, "myr", "edit", "del", "delok", "keep", "fix"),
    # Review: the report's province's coordinators and admins (in private and in their groups).
    **_actions(
        overseer_of_first_report,
        "rv",
        "ok",
        "ret",
        "why",
        "type",
        "back",
        "next",
        "prev",
        "pics",
        "all",
        "allok",
    ),
    **_actions(overseer_of_report_and_origin, "rv", "view"),
    **_actions(overseer, "rv", "list", "close"),
    **_actions(overseer, "rvr", "back", "cancel"),
    # Lookups: aggregate figures anyone may see; handlers re-check periods and campaigns.
    **_actions(anyone, "st", "show", "range"),
    **_actions(overseer, "st", "silent"),  # the handler checks the province is theirs
    **_actions(anyone, "cmp", "list", "map"),
    **_actions(anyone, "top", "show"),
    **_actions(anyone, "fnd", "new", "page", "card", "near"),
    # Asking to join a group from its public card; its leaders answer.
    **_actions(anyone, "jrq", "ask", "send"),
    **_actions(leader_of_first_request, "jrq", "ok", "no", "noyes", "back"),
    **_actions(anyone, "sr", "back", "cancel"),
    **_actions(anyone, "fq", "back", "cancel"),
    # Campaigns: overseers only; the handler checks a coordinator closes only their province's.
    **_actions(overseer, "cpn", "new", "close", "closeok", "edit"),
    **_actions(
        overseer,
        "cpa",
        "area",
        "all",
        "pick",
        "tog",
        "tpage",
        "tok",
        "edit",
        "shares",
        "addshare",
        "unshare",
        "prov",
        "ok",
        "sure",
        "back",
        "cancel",
    ),
    # Service types and units: admins only.
    **_actions(admin, "typ", "list", "area", "card", "add", "name", "unit"),
    **_actions(admin, "typ", "retire", "retireok", "restore"),
    **_actions(admin, "cty", "ok", "edit", "back", "cancel", "card", "area", "sure"),
    # Exports: the flow's own rule and the build re-check the scope against the person's roles.
    **_actions(overseer, "expn", "new"),
    **_actions(
        overseer, "exp", "period", "all", "camp", "any", "status", "fmt", "hxl", "build", "back"
    ),
    **_actions(overseer, "exp", "cancel"),
    **_actions(admin, "exp", "pick"),
    **_actions(overseer_of_first_province, "exp", "prov"),
}


def report_refusal(who: Principal | None) -> str:
    """Why this person may not report, and what to do instead (by what they are)."""
    if who is not None and (who.admin or who.coordinator):
        return "report-only-overseers"
    if who is not None and who.memberships:
        return "report-only-leaders"
    return "report-only-newcomers"


# The locale key of a refusal, or a function choosing it by the person.
Refusal = str | Callable[[Principal | None], str]
COMMANDS: dict[str, tuple[Rule, Refusal]] = {
    "report": (reporter, report_refusal),
    "admin": (overseer, "not-allowed"),
    "digest": (admin, "not-allowed"),
    "review": (overseer, "not-allowed"),
    "review_off": (overseer, "not-allowed"),
    "export": (overseer, "not-allowed"),
}
MENU: dict[str, tuple[Rule, Refusal]] = {
    "menu-report": (reporter, report_refusal),
    "menu-admin": (overseer, "not-allowed"),
    "menu-review": (overseer, "not-allowed"),
    "menu-export": (overseer, "not-allowed"),
}


async def _open_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Flows anyone may be in (joining, creating a group)."""
    return True


async def _admin_only_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Flows for admins (adding a digest channel)."""
    return who.admin


async def _overseer_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Creating a campaign: while the person is still an admin or a coordinator; editing one:
    while they still manage it (admins any, a coordinator their province's)."""
    campaign_id = draft.get("campaign_id")
    if campaign_id:
        campaign = await store.campaigns.get(int(campaign_id))
        return campaign is not None and who.manages(campaign)
    return who.admin or who.coordinator


async def _review_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Typing why a report goes back: while the person still oversees its province."""
    report = await store.reports.get(int(draft.get("report_id") or 0))
    return report is not None and who.oversees(report.province_id)


async def _export_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """An export: an admin, or a coordinator while the province chosen (if any) is theirs."""
    if who.admin:
        return True
    province_id = draft.get("province_id")
    return who.coordinator and (province_id is None or int(province_id) in who.provinces)


async def _report_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """A report (or an edit of one) only while its writer still leads the group it is for (or the
    group that one merged into)."""
    report_id = draft.get("report_id")
    if report_id is not None:
        report = await store.reports.get(int(report_id))
        if report is None or report.reporter_id != who.user_id:
            return False
    group_id = draft.get("group_id")
    if group_id is None:
        return bool(who.reporting_groups)
    # A group merged meanwhile: the report goes on for the group it merged into.
    group = await store.groups.current(int(group_id))
    return group is not None and any(m.group_id == group.id for m in who.reporting_groups)


async def _admin_flow(who: Principal, draft: dict[str, Any], store: Store) -> bool:
    """Appointing people is for admins; changing a group for those who oversee its province."""
    if draft.get("action") in ("addcoord", "addadmin"):
        return who.admin
    if draft.get("action") == "search":
        return who.admin or who.coordinator
    if draft.get("action") == "reviewchat":
        return who.reviews
    group_id = draft.get("group_id")
    group = await store.groups.get(int(group_id)) if group_id is not None else None
    return group is not None and who.oversees(group.province_id)


# Who may go on with a flow, by the kind of its draft. Checked on every update of its user
# (typed answers included), so a role lost mid-flow ends the flow at the very next update.
FLOWS: dict[str, FlowRule] = {
    "report": _report_flow,
    "admin": _admin_flow,
    "group": _open_flow,
    "join": _open_flow,
    "channel": _admin_only_flow,
    "chsched": _admin_only_flow,
    "stats_range": _open_flow,
    "find": _open_flow,
    "campaign_admin": _overseer_flow,
    "service_type": _admin_only_flow,
    "review_reason": _review_flow,
    "export": _export_flow,
}


def _command(update: Update) -> str | None:
    message = update.effective_message
    text = message.text if message and message.text else ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None


def is_menu_or_command(update: Update) -> bool:
    """True for a command or a main-menu button: what works in the middle of any flow."""
    message = update.effective_message
    text = message.text if message and message.text else None
    return _command(update) is not None or any(text == label(key) for key in MENU_KEYS)


async def check_access(update: Update, context: Context) -> bool:
    """Returns True when the update may go on to the feature handlers; refuses politely if not."""
    who = context.who
    if update.callback_query is not None:
        query = update.callback_query
        data = parse_cb(query.data)
        rule = BUTTONS.get(f"{data.prefix}:{data.action}") if data else None
        if who is not None and data is not None and rule is not None:  # noqa: SIM102
            if await rule(who, data, context.store):
                return True
        log.warning("refused button %r from user %s", query.data, who and who.user_id)
        try:
            await query.answer(
                label("not-allowed") if rule else label("stale-button"), show_alert=True
            )
        except TelegramError:
            log.info("could not answer a refused callback query")
        return False
    message = update.effective_message
    command = _command(update)
    if command is not None:
        entry = COMMANDS.get(command)
    else:
        text = message.text if message and message.text else None
        entry = next((v for key, v in MENU.items() if text == label(key)), None)
    if entry is None:
        return True  # unknown commands reach the fallback, which explains what exists
    rule, refusal = entry
    if who is not None and await rule(who, Callback("cmd", command or "menu", ()), context.store):
        return True
    if message is not None:
        await message.reply_text(t(refusal(who) if callable(refusal) else refusal))
    return False
