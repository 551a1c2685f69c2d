"""Write a structure, with everything in it, to a JSON file (see www/transfer.py).

python manage.py export_structure escale escale.json
python manage.py export_structure escale -          # to standard output
"""

import json

from django.core.management.base import BaseCommand, CommandError

from structures.models import Structure
from www.transfer import export_structure


def dumps(document):
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "Export a structure (by its short name) to a JSON file, for import_structure."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The structure's short name (as in its address).")
        parser.add_argument("file", help="The JSON file to write ('-' for standard output).")

    def handle(self, *args, slug, file, **options):
        structure = Structure.objects.filter(slug=slug).first()
        if structure is None:
            raise CommandError(f"No structure with the short name {slug!r}.")
        text = dumps(export_structure(structure))
        if file == "-":
            self.stdout.write(text, ending="")
            return
        with open(file, "w", encoding="utf-8") as out:
            out.write(text)
        self.stderr.write(f"Structure {slug!r} written to {file}.")
