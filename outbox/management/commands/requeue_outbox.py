"""Enqueue again the e-mails whose delivery task was lost (a worker killed mid-task, a queue
that could not be reached at commit): run it now and then, e.g. hourly from cron."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from outbox.models import Message
from outbox.tasks import deliver


class Command(BaseCommand):
    help = "Enqueue again the unsent e-mails that are overdue by more than --minutes."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *, minutes, **options):
        overdue = Message.objects.filter(
            sent_at__isnull=True,
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
            next_attempt_at__lt=timezone.now() - timedelta(minutes=minutes),
        ).values_list("pk", flat=True)
        count = 0
        for message_id in overdue.iterator():
            deliver.enqueue(message_id)
            count += 1
        if options["verbosity"]:
            self.stdout.write(f"{count} e-mail(s) enqueued again.")
