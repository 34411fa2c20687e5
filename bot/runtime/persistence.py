"""The record that updates were handled, written after each one (the inbox forgets them then).

No python-telegram-bot persistence is used: a flow's only state is its draft, which the engine
writes itself, and nothing is kept in user_data or chat_data. What is left to write after an
update is that it was handled, so that a redelivered or replayed update is skipped.
"""

from __future__ import annotations

from db.state import StateRepo


class HandledUpdates:
    """Collects the ids of handled updates and writes them in one transaction.

    The application commits after every update (see bot.app); while the database takes no
    writes, the ids wait here and the storage probe writes them when it does again. Updates of
    different people run concurrently: whichever commits first writes the others' ids too.
    """

    def __init__(self, state: StateRepo) -> None:
        self.state = state
        self._processed: list[int] = []  # handled updates whose record is not written yet

    def collect(self, update_id: int) -> None:
        """Collects the record that an update was handled, for the next commit."""
        self._processed.append(update_id)

    async def commit(self) -> None:
        """Writes the collected records atomically (each also takes its update off the inbox);
        what a failed write (a full disk) could not write stays collected for the next commit."""
        processed, self._processed = self._processed, []
        if not processed:
            return
        try:
            await self.state.save_changes({}, {}, processed)
        except BaseException:
            self._processed[:0] = processed
            raise
