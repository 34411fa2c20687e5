"""Storage: the aiosqlite connection, numbered migrations and repositories returning dataclasses."""
