"""The read-only API's URLs, under /api/v1/."""

urlpatterns = []
