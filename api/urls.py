"""The read-only API's URLs, under /api/v1/."""

from django.urls import re_path

from .api import api, unknown

patterns, _app_name, _namespace = api.urls
app_name = "api"
for pattern in patterns:
    # The API answers with its own 401 (problem details), never with the login page's redirect.
    pattern.callback.login_required = False
    # It only reads (but a token's last-used date): no transaction around each request.
    pattern.callback._non_atomic_requests = {"default"}

urlpatterns = [
    *patterns,
    # Any other address under /api/v1/ answers a problem too, not the site's HTML 404 page.
    re_path(r"^.*$", unknown, name="unknown"),
]
