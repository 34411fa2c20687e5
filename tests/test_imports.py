"""Starting the bot loads no plotting or array library: they come with the first picture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "PIL")
PROBE = """
import json, sys
{imports}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(imports: str) -> list[str]:
    """The heavy libraries a fresh interpreter holds after these statements."""
    code = PROBE.format(imports=imports, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found: list[str] = json.loads(done.stdout)
    return found


def test_importing_the_bot_loads_no_matplotlib_numpy_or_pil() -> None:
    assert _loaded("import bot.cli, bot.app, bot.demo") == []
    # Sanity of the probe: drawing a map does load them.
    assert _loaded("import bot.maps.render") == sorted(HEAVY)
