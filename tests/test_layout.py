"""The layout's floors hold: each part imports only the floors under it (README, «Layout»)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each floor, from the ground up, with the floors it may import besides its own.
FLOORS: dict[str, tuple[str, ...]] = {
    "bot.core": (),
    "db": ("bot.core",),
    "bot.runtime": ("bot.core", "db"),
    "bot.kit": ("bot.core", "db", "bot.runtime"),
    "services": ("bot.core", "db", "bot.runtime", "bot.kit"),
    "handlers": ("bot.core", "db", "bot.runtime", "bot.kit", "services"),
}
# The feature services: a folder (or a module) of bot/ each.
SERVICES = ("bot.digest", "bot.maps", "bot.export", "bot.reminders", "bot.figures")
PROJECT = ("bot", "db", "handlers")


def _module(path: Path) -> str:
    """The dotted name of a source file."""
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _floor(module: str) -> str:
    """The floor a module stands on; the command lines and the assembly of the bot (the files
    directly in bot/) are the roof."""
    for floor in (*FLOORS, *SERVICES):
        if module == floor or module.startswith(f"{floor}."):
            return "services" if floor in SERVICES else floor
    return "roof"


def _imports(path: Path) -> set[str]:
    """The project's modules a file imports (every import statement, top-level or not)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            found |= {f"{base}.{a.name}" if base in PROJECT else base for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.split(".")[0] in PROJECT}


def _sources() -> list[Path]:
    return [p for part in PROJECT for p in sorted((ROOT / part).rglob("*.py"))]


def test_every_floor_imports_only_the_floors_under_it() -> None:
    wrong = []
    for path in _sources():
        floor = _floor(_module(path))
        if floor == "roof":
            continue
        allowed = (floor, *FLOORS[floor])
        for imported in sorted(_imports(path)):
            if _floor(imported) not in allowed:
                wrong.append(f"{path.relative_to(ROOT)} ({floor}) imports {imported}")
    assert wrong == []


def test_the_roof_is_only_command_lines_and_the_assembly() -> None:
    roof = sorted(p.name for p in (ROOT / "bot").glob("*.py") if _floor(_module(p)) == "roof")
    assert roof == [
        "__init__.py",
        "__main__.py",
        "app.py",
        "channel_cli.py",
        "cli.py",
        "demo.py",
        "digest_preview.py",
        "export_cli.py",
        "runner.py",
    ]


def test_the_floors_are_read_from_every_import() -> None:
    """The check above sees a lazy import inside a function and a `from bot import x`."""
    assert _floor("bot.kit.engine") == "bot.kit"
    assert _floor("bot.digest.render") == _floor("bot.figures.wording") == "services"
    assert _floor("bot.cli") == "roof"
    imports = _imports(ROOT / "bot" / "cli.py")
    assert "bot.app" in imports
    assert any(m.startswith("bot.digest_preview") for m in imports)
