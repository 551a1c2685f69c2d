from django.contrib.auth.decorators import login_not_required
from django.utils.translation import check_for_language
from django.views.i18n import set_language as django_set_language


@login_not_required
def set_language(request):
    """Django's language switch, which also remembers the choice on the account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language
        and check_for_language(language)
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
