"""Exports: the sheet writer (XLSX/CSV), its worker process, photo links, and the build of an export
asked for in Telegram."""
