"""Queue an e-mail: the one way the app sends mail (never `send_mail` in a request)."""

import re
import unicodedata
from functools import partial

from django.db import transaction

from .models import Message
from .tasks import deliver

SUBJECT_MAX = Message._meta.get_field("subject").max_length


def single_line(text):
    """A header-safe subject: line breaks and control characters become one space.

    A role or mission title can hold a newline; in a subject it makes the mail fail.
    """
    # Control characters (Cc: tab, CR, LF, NEL…) and the Unicode line and paragraph
    # separators; no-break spaces stay (French typography puts one before a colon).
    cleaned = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in str(text)
    )
    cleaned = re.sub(" {2,}", " ", cleaned).strip(" ")
    if len(cleaned) > SUBJECT_MAX:
        cleaned = cleaned[: SUBJECT_MAX - 1].rstrip() + "…"
    return cleaned


def queue(*, to, subject, body):
    """Save the e-mail now; its delivery task is enqueued once the transaction commits."""
    return queue_many([(to, subject, body)])[0]


def queue_many(mails):
    """`queue` for several (to, subject, body) at once, in one INSERT."""
    messages = Message.objects.bulk_create(
        Message(to=to, subject=single_line(subject), body=body) for to, subject, body in mails
    )
    for message in messages:
        # robust: a queue that cannot be reached is logged, the change stays written.
        transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return messages


def _enqueue(message_id):

    deliver.enqueue(message_id)
