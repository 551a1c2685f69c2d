from django.conf import settings
from django.utils import translation


class AccountLanguageMiddleware:
    """Use the language saved on the account when the browser has not chosen one (cookie),
    so a person finds their language on any device after logging in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
