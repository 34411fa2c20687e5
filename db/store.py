"""All repositories over one Database, as handlers reach them through the context."""

from __future__ import annotations

from db.audit import AuditRepo
from db.campaigns import CampaignRepo
from db.categories import CategoryRepo
from db.channels import ChannelRepo, DigestLedger
from db.database import Database
from db.export_jobs import ExportJobRepo
from db.groups import GroupRepo
from db.join_requests import JoinRequestRepo
from db.outbox import OutboxRepo
from db.places import PlaceRepo
from db.reference import seed_reference_data
from db.reminders import ReminderRepo
from db.reports import ReportRepo
from db.review import ReviewRepo
from db.roles import RoleRepo
from db.screens import ScreenRepo
from db.secrets import SecretRepo
from db.state import StateRepo
from db.stats import Counting, StatsRepo
from db.streaks import StreakRepo
from db.volunteers import VolunteerRepo


class Store:
    """The repositories of the application, sharing one connection."""

    def __init__(self, db: Database, counting: Counting = Counting.ALL) -> None:
        self.db = db
        self.volunteers = VolunteerRepo(db)
        self.roles = RoleRepo(db)
        self.groups = GroupRepo(db)
        self.places = PlaceRepo(db)
        self.categories = CategoryRepo(db)
        self.audit = AuditRepo(db)
        self.campaigns = CampaignRepo(db)
        self.reports = ReportRepo(db, self.audit)
        self.state = StateRepo(db)
        self.channels = ChannelRepo(db)
        self.digest_posts = DigestLedger(db)
        self.stats = StatsRepo(db, counting)  # what the figures count ([stats] counting)
        self.streaks = StreakRepo(db, counting)
        self.reminders = ReminderRepo(db)
        self.review = ReviewRepo(db)
        self.secrets = SecretRepo(db)
        self.export_jobs = ExportJobRepo(db)
        self.outbox = OutboxRepo(db)
        self.screens = ScreenRepo(db)
        self.join_requests = JoinRequestRepo(db)

    async def open(self) -> None:
        """Opens the database, applies migrations and seeds reference data (idempotent)."""
        if not self.db.is_open:
            await self.db.open()
            await seed_reference_data(self.db)

    async def close(self) -> None:
        """Closes the database."""
        await self.db.close()
