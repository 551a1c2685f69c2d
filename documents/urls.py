"""Pages of the documents floor: importing a fiche de poste, exporting a sheet."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    *(
        path(
            f"roles/<uuid:role_id>/sheet.{fmt}",
            views.sheet_file,
            {"fmt": fmt},
            name=f"sheet_{fmt}",
        )
        for fmt in ("docx", "odt")
    ),
    *(
        path(
            f"roles/<uuid:role_id>/versions/<int:number>/sheet.{fmt}",
            views.version_file,
            {"fmt": fmt},
            name=f"version_{fmt}",
        )
        for fmt in ("docx", "odt")
    ),
]
