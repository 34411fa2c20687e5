"""Khedmatyar (خدمت‌یار): a Persian Telegram bot for volunteer service groups."""

__version__ = "0.1.0"
