"""List, and with --apply anonymise, the accounts nobody has logged into for a long time.

"A long time" is --days, by default settings.INACTIVE_ACCOUNT_DAYS (env INACTIVE_ACCOUNT_DAYS,
730). The last login counts, or the date the account was created when it never logged in.
Platform admins are never anonymised; accounts already erased are not listed.

    python manage.py anonymise_inactive            # list only
    python manage.py anonymise_inactive --apply    # anonymise them (www.privacy)
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from www.privacy import inactive_accounts, person_erase


class Command(BaseCommand):
    help = "List accounts without a login for more than --days days; --apply anonymises them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days without a login (default: INACTIVE_ACCOUNT_DAYS, "
            f"{settings.INACTIVE_ACCOUNT_DAYS}).",
        )
        parser.add_argument(
            "--apply", action="store_true", help="Anonymise them (without it: list only)."
        )

    def handle(self, *args, days=None, apply=False, **options):
        days = settings.INACTIVE_ACCOUNT_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        accounts = list(inactive_accounts(days))
        for user in accounts:
            self.stdout.write(f"{user.pk}\t{user.email}\t{user.last_seen:%Y-%m-%d}")
        if not accounts:
            self.stdout.write(f"No account without a login for more than {days} days.")
            return
        if not apply:
            self.stdout.write(
                f"{len(accounts)} account(s) without a login for more than {days} days. "
                "Run again with --apply to anonymise them."
            )
            return
        for user in accounts:
            person_erase(user=user, by=None)
        self.stdout.write(self.style.SUCCESS(f"{len(accounts)} account(s) anonymised."))
