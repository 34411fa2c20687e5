"""The Bot API 10.0 specification: loading it and validating requests and results against it."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from simulator.errors import ApiError

SCALARS = frozenset({"Integer", "String", "Boolean", "Float", "InputFile"})
_DISCRIMINATOR = re.compile(r'(?:must be|always) "?([a-z_]+)"?')
_INTEGER = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOL_STRINGS = MappingProxyType({"true": True, "false": False, "1": True, "0": False})

# Telegram's own wording for a few required parameters; every other one gets the generic form.
_MISSING: MappingProxyType[tuple[str, str], str] = MappingProxyType(
    {
        ("*", "chat_id"): "chat_id is empty",
        ("sendmessage", "text"): "message text is empty",
        ("editmessagetext", "text"): "message text is empty",
        ("sendphoto", "photo"): "there is no photo in the request",
        ("senddocument", "document"): "there is no document in the request",
        ("sendmediagroup", "media"): 'parameter "media" is required',
        ("answercallbackquery", "callback_query_id"): (
            "query is too old and response timeout expired or query ID is invalid"
        ),
        ("getfile", "file_id"): "wrong file_id or the file is temporarily unavailable",
    }
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """One Bot API method."""

    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """One Bot API type; abstract types list their subtypes."""

    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None


class _Mismatch(Exception):
    """A value does not match a declared type (internal; becomes an ApiError)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _field(raw: Mapping[str, Any]) -> FieldSpec:
    """Builds a FieldSpec from the JSON scrape."""
    return FieldSpec(str(raw["name"]), tuple(raw["types"]), bool(raw["required"]))


class ApiSpec:
    """The parsed specification with request coercion and result checking."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data["version"])
        self.methods: dict[str, MethodSpec] = {}
        for name, raw in data["methods"].items():
            fields = {f["name"]: _field(f) for f in raw.get("fields", [])}
            self.methods[name.lower()] = MethodSpec(name, fields, tuple(raw["returns"]))
        self.types: dict[str, TypeSpec] = {}
        for name, raw in data["types"].items():
            fields = {f["name"]: _field(f) for f in raw.get("fields", [])}
            disc: tuple[str, str] | None = None
            first = raw.get("fields", [None])[0]
            if raw.get("subtype_of") and first is not None:
                match = _DISCRIMINATOR.search(first["description"])
                if match:
                    disc = (first["name"], match.group(1))
            self.types[name] = TypeSpec(name, fields, tuple(raw.get("subtypes", ())), disc)
        # Every parameter name of any method: clients such as python-telegram-bot add shared
        # defaults (disable_notification, parse_mode...) to calls that do not declare them, and
        # Telegram ignores those; a name no method has (a typo, a removed parameter) is refused.
        self.parameter_names = frozenset(
            name for method in self.methods.values() for name in method.fields
        )

    @classmethod
    def load(cls) -> ApiSpec:
        """Loads the bundled api-10.0.json."""
        text = resources.files("simulator").joinpath("spec/api-10.0.json").read_text("utf-8")
        return cls(json.loads(text))

    def method(self, name: str) -> MethodSpec | None:
        """Finds a method; Telegram matches method names case-insensitively."""
        return self.methods.get(name.lower())

    # -- requests ---------------------------------------------------------------------------

    def coerce_params(
        self,
        method: MethodSpec,
        raw: Mapping[str, Any],
        files: Mapping[str, Upload],
        *,
        strict: bool = True,
    ) -> dict[str, Any]:
        """Validates raw request parameters and returns them converted to Python values."""
        key = method.name.lower()
        if strict:
            for name in raw:
                if name not in method.fields and name not in self.parameter_names:
                    raise ApiError(400, f'Bad Request: unknown parameter "{name}"')
            for name in files:
                if name in method.fields and "InputFile" not in method.fields[name].types:
                    raise ApiError(400, f'Bad Request: parameter "{name}" can\'t be a file')
        params: dict[str, Any] = {}
        for name, spec in method.fields.items():
            value = raw.get(name)
            if value is None or value == "":
                if name in files and "InputFile" in spec.types:
                    params[name] = files[name]
                    continue
                if spec.required:
                    wording = _MISSING.get((key, name)) or _MISSING.get(("*", name))
                    raise ApiError(
                        400, f"Bad Request: {wording or f'parameter "{name}" is required'}"
                    )
                continue
            if name in files and "InputFile" in spec.types:
                params[name] = files[name]
                continue
            try:
                params[name] = self._coerce_union(value, spec.types, name, top=True)
            except _Mismatch as exc:
                raise ApiError(
                    400, f"Bad Request: {_describe(name, spec.types, exc.message)}"
                ) from None
        return params

    def _coerce_union(self, value: Any, types: tuple[str, ...], where: str, *, top: bool) -> Any:
        """Coerces a value to the first of several declared types it matches."""
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # `Array of A or Array of B`: check element by element; the method checks the mix.
            if isinstance(value, str):
                value = _json(value, where)
            if not isinstance(value, list):
                raise _Mismatch(f"must be of type {types[0]}")
            inner = tuple(t.removeprefix("Array of ") for t in types)
            return [
                self._coerce_union(v, inner, f"{where}[{i}]", top=False)
                for i, v in enumerate(value)
            ]
        objects = [t for t in types if t in self.types and not self.types[t].subtypes]
        if len(objects) > 1:
            if isinstance(value, str) and top:
                value = _json(value, where)
            if isinstance(value, dict):
                # Try first the object types whose required fields are all present.
                fits = [t for t in objects if self._has_required(value, t)]
                if not fits:
                    raise _Mismatch(f"can't parse {where} JSON object")
                types = tuple(fits) + tuple(t for t in types if t not in fits)
        errors: list[str] = []
        for type_name in types:
            try:
                return self._coerce(value, type_name, where, top=top)
            except _Mismatch as exc:
                errors.append(exc.message)
        detailed = [e for e in errors if not e.startswith("must be of type")]
        if detailed and all(' must be "' in e for e in detailed) and isinstance(value, dict):
            kind = value.get("type", value.get("status"))
            raise _Mismatch(f'can\'t parse {where}: unsupported type "{kind}"')
        raise _Mismatch(detailed[0] if detailed else f"must be of type {' or '.join(types)}")

    def _has_required(self, value: dict[str, Any], type_name: str) -> bool:
        """Tells whether a dict carries every required field of an object type."""
        fields = self.types[type_name].fields.values()
        return all(f.name in value for f in fields if f.required)

    def _coerce(self, value: Any, type_name: str, where: str, *, top: bool) -> Any:
        """Coerces one value to one declared type, decoding JSON strings where Telegram does."""
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if isinstance(value, str):
                value = _json(value, where)
            if not isinstance(value, list):
                raise _Mismatch(f"must be of type {type_name}")
            return [self._coerce(v, inner, f"{where}[{i}]", top=False) for i, v in enumerate(value)]
        if type_name == "Integer":
            return _integer(value)
        if type_name == "Float":
            return _float(value)
        if type_name == "Boolean":
            return _boolean(value)
        if type_name == "String":
            if isinstance(value, bool):
                return "true" if value else "false"
            if isinstance(value, int | float):
                return str(value)
            if isinstance(value, str):
                return value
            raise _Mismatch("must be of type String")
        if type_name == "InputFile":
            raise _Mismatch("must be of type InputFile")
        if type_name == "KeyboardButton" and isinstance(value, str):
            return {"text": value}  # Telegram still accepts plain strings as reply buttons
        spec = self.types.get(type_name)
        if spec is None:
            raise _Mismatch(f"must be of type {type_name}")
        if isinstance(value, str) and top:
            value = _json(value, where)
        return self.check_object(value, type_name, where)

    def check_object(self, value: Any, type_name: str, where: str = "value") -> dict[str, Any]:
        """Validates a JSON object against a type (unknown fields stay: Telegram ignores them)."""
        spec = self.types[type_name]
        if not isinstance(value, dict):
            raise _Mismatch(f"can't parse {type_name}: {where} must be an object")
        if spec.subtypes:
            return self._check_abstract(value, spec, where)
        if spec.discriminator and value.get(spec.discriminator[0]) != spec.discriminator[1]:
            key, expected = spec.discriminator
            raise _Mismatch(f'can\'t parse {type_name}: field "{key}" must be "{expected}"')
        out: dict[str, Any] = dict(value)
        for name, field in spec.fields.items():
            item = value.get(name)
            if item is None:
                if field.required:
                    raise _Mismatch(f'can\'t parse {type_name}: field "{name}" is required')
                out.pop(name, None)
                continue
            try:
                out[name] = self._coerce_union(item, field.types, f"{where}.{name}", top=False)
            except _Mismatch as exc:
                if exc.message.startswith("must be of type"):
                    raise _Mismatch(
                        f'can\'t parse {type_name}: field "{name}" {exc.message}'
                    ) from None
                raise
        return out

    def _check_abstract(self, value: dict[str, Any], spec: TypeSpec, where: str) -> dict[str, Any]:
        """Validates a value of an abstract type by picking its subtype."""
        candidates = []
        for sub in spec.subtypes:
            disc = self.types[sub].discriminator
            if disc is None or value.get(disc[0]) == disc[1]:
                candidates.append(sub)
        if not candidates:
            kind = value.get("type", value.get("status", value.get("source")))
            raise _Mismatch(f'can\'t parse {spec.name}: unsupported type "{kind}"')
        first_error: _Mismatch | None = None
        for sub in candidates:
            try:
                return self.check_object(value, sub, where)
            except _Mismatch as exc:
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    # -- results ----------------------------------------------------------------------------

    def result_problems(
        self, value: Any, types: tuple[str, ...], where: str = "result"
    ) -> list[str]:
        """Lists how a result deviates from its declared types (empty when it conforms)."""
        problems: list[str] = []
        for type_name in types:
            problems = self._result_problems(value, type_name, where)
            if not problems:
                return []
        return problems

    def _result_problems(self, value: Any, type_name: str, where: str) -> list[str]:
        """Checks one result value against one type, strictly (no string decoding)."""
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{where}: expected {type_name}"]
            inner = type_name.removeprefix("Array of ")
            out: list[str] = []
            for i, item in enumerate(value):
                out += self._result_problems(item, inner, f"{where}[{i}]")
            return out
        checks = {
            "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
            "Boolean": lambda v: isinstance(v, bool),
            "String": lambda v: isinstance(v, str),
            "True": lambda v: v is True,
        }
        if type_name in checks:
            return [] if checks[type_name](value) else [f"{where}: expected {type_name}"]
        spec = self.types.get(type_name)
        if spec is None:
            return [f"{where}: unknown type {type_name}"]
        if not isinstance(value, dict):
            return [f"{where}: expected {type_name} object"]
        if spec.subtypes:
            found: list[str] = [f"{where}: matches no subtype of {type_name}"]
            for sub in spec.subtypes:
                disc = self.types[sub].discriminator
                if disc is not None and value.get(disc[0]) != disc[1]:
                    continue
                found = self._result_problems(value, sub, where)
                if not found:
                    return []
            return found
        problems: list[str] = []
        for name in value:
            if name not in spec.fields:
                problems.append(f"{where}: {type_name} has no field {name!r}")
        for name, field in spec.fields.items():
            if name not in value:
                if field.required:
                    problems.append(f"{where}: {type_name}.{name} is required")
                continue
            problems += self.result_problems(value[name], field.types, f"{where}.{name}")
        return problems


def _json(value: str, where: str) -> Any:
    """Decodes a JSON-serialized parameter."""
    try:
        return json.loads(value)
    except ValueError:
        raise _Mismatch(f"can't parse {where} JSON object") from None


def _integer(value: Any) -> int:
    """Coerces an Integer the way the Bot API reads it from JSON or form fields."""
    if isinstance(value, bool):
        raise _Mismatch("must be of type Integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    raise _Mismatch("must be of type Integer")


def _float(value: Any) -> float:
    """Coerces a Float."""
    if isinstance(value, bool):
        raise _Mismatch("must be of type Float")
    if isinstance(value, int | float) or (isinstance(value, str) and _FLOAT.match(value.strip())):
        result = float(value)
    else:
        raise _Mismatch("must be of type Float")
    if not math.isfinite(result):
        raise _Mismatch("must be of type Float")
    return result


def _boolean(value: Any) -> bool:
    """Coerces a Boolean (JSON true/false, or the strings true/false/1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_STRINGS:
        return _BOOL_STRINGS[value.strip().lower()]
    raise _Mismatch("must be of type Boolean")


def _describe(name: str, types: tuple[str, ...], message: str) -> str:
    """Words a parameter type error the way Telegram words it."""
    if name == "reply_markup" and message.startswith(("can't parse reply_markup", "must be")):
        return "can't parse reply keyboard markup JSON object"
    if message.startswith("must be of type"):
        if any(t not in SCALARS for t in types):
            return f"can't parse {name} JSON object"
        return f'parameter "{name}" {message}'
    return message
