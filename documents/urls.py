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
    # The sheet as it is now and each version, in each format the HR files take.
    *(
        path(route.format(fmt=fmt), view, {"fmt": fmt}, name=f"{name}_{fmt}")
        for route, view, name in (
            ("roles/<uuid:role_id>/sheet.{fmt}", views.sheet_file, "sheet"),
            (
                "roles/<uuid:role_id>/versions/<int:number>/sheet.{fmt}",
                views.version_file,
                "version",
            ),
        )
        for fmt in ("docx", "odt")
    ),
]
