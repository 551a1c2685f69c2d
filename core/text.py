"""What people type: single-line fields stay on one line, free text has a bounded length,
titles compare as a person reads them."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def validate_single_line(value):
    """Titles and names feed e-mail subjects, headings and file names: one line only."""
    if isinstance(value, str) and any(char in LINE_BREAKS for char in value):
        raise ValidationError(_("Write this on one line, without line breaks."), code="line_break")


@deconstructible
class TextLengthValidator:
    """At most settings.TEXT_MAX_LENGTH characters, read when validating (not frozen in the
    migrations, so the setting can change without one)."""

    code = "text_too_long"

    def __call__(self, value):
        limit = settings.TEXT_MAX_LENGTH
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(text_too_long_message(limit, len(value)), code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextLengthValidator)

    def __hash__(self):
        return hash(type(self))


def text_too_long_message(limit, length):
    return gettext(
        "This text is too long: at most %(limit)s characters, it has %(length)s. Please shorten it."
    ) % {"limit": limit, "length": length}


validate_text_length = TextLengthValidator()


def normalise_title(title):
    """NFKC: look-alike characters become the usual ones (the Kelvin sign U+212A becomes a K,
    the ligature U+FB01 becomes "fi"), so that a title is stored as a person reads it."""
    return unicodedata.normalize("NFKC", title).strip()


def title_key(title):
    return normalise_title(title).casefold()


def same_title(first, second):
    return title_key(first) == title_key(second)
