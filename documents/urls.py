"""Pages of the documents floor: importing a fiche de poste, exporting a sheet."""

from django.urls import path

from . import import_views, views

app_name = "documents"

urlpatterns = [
    path("structures/<slug:slug>/import/", import_views.import_start, name="import"),
    path(
        "structures/<slug:slug>/import/preview/",
        import_views.import_preview,
        name="import_preview",
    ),
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
