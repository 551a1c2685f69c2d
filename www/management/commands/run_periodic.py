"""The periodic work (www/periodic.py): for cron, e.g. every hour. Idempotent: run it as often
as you like, nothing is sent twice."""

from django.core.management.base import BaseCommand

from www.periodic import periodic, run_periodic


class Command(BaseCommand):
    help = "Check-in and review reminders, weekly digests (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Run here rather than through the task worker."
        )

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(str(run_periodic()))
        else:
            result = periodic.enqueue()
            self.stdout.write(f"Enqueued: {result.id} ({result.status})")
