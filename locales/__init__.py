"""Locale files (Fluent) and text seed data; see locales/fa/README.md."""
