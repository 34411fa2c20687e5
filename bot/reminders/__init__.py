"""Reminders to groups that have not reported this week, spread over their window (send)."""
