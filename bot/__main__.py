"""python -m bot: the same as the khedmatyar command."""

from bot.cli import main

raise SystemExit(main())
