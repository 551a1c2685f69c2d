"""Tools every floor may use: they import no app of the project."""
