"""The read-only API's URLs, under /api/v1/."""

from .api import api

patterns, _app_name, _namespace = api.urls
app_name = "api"
for pattern in patterns:
    # The API answers with its own 401 (problem details), never with the login page's redirect.
    pattern.callback.login_required = False
    # It only reads (but a token's last-used date): no transaction around each request.
    pattern.callback._non_atomic_requests = {"default"}

urlpatterns = patterns
