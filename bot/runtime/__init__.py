"""The plumbing under the flows: the rate limiter, the update processor and its per-person locks,
the inbox of received updates, the bot's persistence."""
