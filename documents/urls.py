"""Pages of the documents floor: importing a fiche de poste, exporting a sheet."""

app_name = "documents"

urlpatterns = []
