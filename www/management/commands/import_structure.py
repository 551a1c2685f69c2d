"""Create a structure from a file written by export_structure (see www/transfer.py).

People are found by e-mail address, or created with an unusable password (they choose one with
"Forgotten password?"). Nothing is written when the file cannot be imported.

    python manage.py import_structure escale.json
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from www.transfer import ImportRefused, import_structure


class Command(BaseCommand):
    help = "Import a structure from a JSON file written by export_structure."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file to read.")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as source:
                document = json.load(source)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            structure = import_structure(document)
        except ImportRefused as error:
            raise CommandError(str(error)) from error
        except (KeyError, TypeError, ValueError, DatabaseError) as error:
            raise CommandError(
                f"{file} is not a valid structure export (nothing was imported): {error!r}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Structure {structure.slug!r} imported."))
