"""Requests are validated against the Bot API 10.0 spec, in every encoding Telegram accepts."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest
from simhelp import RawBot

from simulator.apispec import ApiSpec
from simulator.server import SimulatorServer
from simulator.state import User


def test_bundled_spec_is_the_documented_copy() -> None:
    """The bundled spec is the pinned scrape (checksum from its README)."""
    data = resources.files("simulator").joinpath("spec/api-10.0.json").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == "39964d8f0976793f32bcba2e9dfc931e2b1573fdc2f6c4e8882511708f7a50ff"
    spec = ApiSpec.load()
    assert spec.version == "Bot API 10.0"
    assert len(spec.methods) == 176 and len(spec.types) == 303


async def test_get_me_in_every_encoding(bot: RawBot) -> None:
    """getMe answers the bot's User via POST JSON, form, multipart and GET."""
    for how in ("json", "form", "multipart", "get"):
        me = await bot.ok("getMe", how=how)
        assert me["is_bot"] is True and me["username"] == "khedmatyar_sim_bot"


async def test_wrong_token_is_unauthorized(bot: RawBot, server: SimulatorServer) -> None:
    """A wrong token gets Telegram's 401, also for file downloads."""
    assert await bot.error("getMe", token="123:wrong") == (401, "Unauthorized")
    async with bot.session.get(f"{server.file_url}123:wrong/photos/x.png") as response:
        assert response.status == 401
    assert server.violations[-1].description == "Unauthorized"


async def test_unknown_method_is_not_found(bot: RawBot) -> None:
    """A method missing from the spec is a 404 Not Found."""
    assert await bot.error("sendTelepathy", {"chat_id": 1}) == (404, "Not Found")


async def test_method_names_are_case_insensitive(bot: RawBot) -> None:
    """Telegram matches method names regardless of case."""
    assert (await bot.ok("GETME"))["id"] == (await bot.ok("getme"))["id"]


async def test_missing_required_parameters_use_telegram_wording(bot: RawBot, maryam: User) -> None:
    """Missing chat_id, text and others are refused the way Telegram words it."""
    assert await bot.error("sendMessage", {"text": "سلام"}) == (
        400,
        "Bad Request: chat_id is empty",
    )
    assert await bot.error("sendMessage", {"chat_id": maryam.id}) == (
        400,
        "Bad Request: message text is empty",
    )
    assert await bot.error("sendPhoto", {"chat_id": maryam.id}) == (
        400,
        "Bad Request: there is no photo in the request",
    )
    assert await bot.error("getChatMember", {"chat_id": maryam.id}) == (
        400,
        'Bad Request: parameter "user_id" is required',
    )
    # An empty value counts as missing, as in Telegram.
    assert await bot.error("sendMessage", {"chat_id": maryam.id, "text": ""}, how="form") == (
        400,
        "Bad Request: message text is empty",
    )


async def test_unknown_parameters_are_refused(bot: RawBot, maryam: User) -> None:
    """A name no method has (a typo, a parameter removed from the API) is refused."""
    code, text = await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "x", "reply_to_message_id": 1}
    )
    assert (code, text) == (400, 'Bad Request: unknown parameter "reply_to_message_id"')
    code, text = await bot.error("sendMessage", {"chat_id": maryam.id, "text": "x", "txt": "y"})
    assert (code, text) == (400, 'Bad Request: unknown parameter "txt"')


async def test_shared_defaults_of_other_methods_are_ignored(bot: RawBot, maryam: User) -> None:
    """Other methods' parameters (PTB's Defaults add them anywhere) are ignored, as by Telegram."""
    sent = await bot.ok("sendMessage", {"chat_id": maryam.id, "text": "x"})
    edited = await bot.ok(
        "editMessageText",
        {
            "chat_id": maryam.id,
            "message_id": sent["message_id"],
            "text": "y",
            "disable_notification": True,
            "protect_content": False,
        },
    )
    assert edited["text"] == "y"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"disable_notification": "yes"},
            'parameter "disable_notification" must be of type Boolean',
        ),
        ({"message_thread_id": "1.5"}, 'parameter "message_thread_id" must be of type Integer'),
        ({"reply_markup": "not json"}, "can't parse reply keyboard markup JSON object"),
        ({"reply_markup": '{"colour": 1}'}, "can't parse reply keyboard markup JSON object"),
        (
            {"reply_markup": '{"inline_keyboard": [[{"callback_data": "x"}]]}'},
            'can\'t parse InlineKeyboardButton: field "text" is required',
        ),
        (
            {"entities": '[{"type": "bold", "offset": "a", "length": 1}]'},
            'can\'t parse MessageEntity: field "offset" must be of type Integer',
        ),
        ({"entities": '{"type": "bold"}'}, "can't parse entities JSON object"),
        ({"link_preview_options": "[1]"}, "can't parse LinkPreviewOptions: link_preview_options"),
    ],
)
async def test_wrong_types_are_refused(
    bot: RawBot, maryam: User, params: dict[str, str], expected: str
) -> None:
    """Integers, Booleans, objects and arrays of objects are type-checked (form encoding)."""
    code, text = await bot.error(
        "sendMessage", {"chat_id": maryam.id, "text": "x", **params}, how="form"
    )
    assert code == 400
    assert text.startswith(f"Bad Request: {expected}")


async def test_form_values_are_json_strings_like_ptb_sends(bot: RawBot, maryam: User) -> None:
    """Form bodies carry non-string values as JSON strings; they are decoded per the spec."""
    params = {
        "chat_id": str(maryam.id),
        "text": "<b>سلام</b>",
        "parse_mode": "HTML",
        "disable_notification": "true",
        "reply_markup": '{"inline_keyboard": [[{"text": "الف", "callback_data": "a:1"}]]}',
    }
    for how in ("form", "multipart", "get"):
        result = await bot.ok("sendMessage", params, how=how)
        assert result["text"] == "سلام"
        assert result["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a:1"


async def test_float_and_array_of_integer_parameters(bot: RawBot, maryam: User) -> None:
    """Float parameters accept numbers and numeric strings; arrays are checked item by item."""
    sent = await bot.ok(
        "sendLocation", {"chat_id": maryam.id, "latitude": "35.7", "longitude": 51.4}
    )
    assert sent["location"] == {"latitude": 35.7, "longitude": 51.4}
    code, text = await bot.error("deleteMessages", {"chat_id": maryam.id, "message_ids": ["a"]})
    assert (code, text) == (400, "Bad Request: can't parse message_ids JSON object")


async def test_generic_methods_are_validated_then_true(bot: RawBot, maryam: User) -> None:
    """Methods without real semantics still get spec validation, then answer true."""
    assert await bot.ok("setMyDescription", {"description": "ربات خدمت‌یار"}) is True
    assert await bot.error("banChatMember", {"chat_id": maryam.id}) == (
        400,
        'Bad Request: parameter "user_id" is required',
    )


def test_spec_validator_reports_result_problems() -> None:
    """The result checker used by these tests catches missing and unknown fields."""
    spec = ApiSpec.load()
    assert spec.result_problems({"id": 1, "is_bot": False, "first_name": "x"}, ("User",)) == []
    problems = spec.result_problems({"id": 1, "colour": 2}, ("User",))
    assert "result: User.is_bot is required" in problems
    assert "result: User has no field 'colour'" in problems


async def test_readme_lists_the_generic_methods(server: SimulatorServer) -> None:
    """simulator/README.md names exactly the methods answered generically."""
    readme = resources.files("simulator").joinpath("README.md").read_text("utf-8")
    block = readme.split("<!-- generic-methods -->")[1].split("<!-- /generic-methods -->")[0]
    listed = sorted(name.strip("` ,\n") for name in block.split(",") if name.strip("` ,\n"))
    assert listed == server.api.generic()
    implemented = readme.split("<!-- implemented-methods -->")[1].split("<!-- /")[0]
    for name in server.api.implemented():
        assert f"`{name}`" in implemented
