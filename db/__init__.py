"""Storage: one database on SQLite or PostgreSQL (db/engines/), numbered migrations, what
counts (db/counting.py) and repositories returning dataclasses."""
