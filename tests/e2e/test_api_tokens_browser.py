"""A person makes an API token on their account page, reads the API's docs, revokes the token.

On a 360 px phone: the account page shows the new token once, in a field to copy; the docs page
(Swagger UI, from the app's own static files, under its content security policy) lists the
endpoints; revoking the token says so. In French and in English, with JavaScript on and off
(the docs page itself needs JavaScript: without it, it links the OpenAPI schema).
"""

import re

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from tests.e2e.journeys import PHONE, VARIANTS, Person, exactly, field
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@VARIANTS
def test_a_person_makes_reads_with_and_revokes_a_token(live_server, browser, axe_check, lang, js):
    user = MembershipFactory(user__email="pair@example.org", user__full_name="Sam Pair").user
    person = Person(browser, axe_check, live_server.url, user, lang=lang, js=js, viewport=PHONE)
    page = person.page
    csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and csp.append(m.text))
    person.log_in("/account/")
    field(person.main(), person.t("Name of the new token")).fill("Rapport annuel")
    page.get_by_role("button", name=exactly(person.t("Make a token"))).click()
    expect(person.main()).to_contain_text(
        person.t("Your new token is below. Copy it now: it will not be shown again.")
    )
    key = person.main().get_by_label(person.t("New token"), exact=True).input_value()
    assert key.startswith("pw_")
    assert ApiToken.objects.get(user=user).prefix == key[:10]
    person.check()

    person.main().locator('a[href="/api/v1/docs/"]').click()
    if js:
        expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/roles/{role_id}/")
    else:
        expect(page.get_by_role("link", name="openapi.json")).to_be_visible()
    assert csp == []

    person.goto("/account/")
    revoke = person.t("Revoke “%(name)s”", name="Rapport annuel")
    # Accessible names count a no-break space as a space.
    page.get_by_role("button", name=re.compile(r"\s+".join(map(re.escape, revoke.split())))).click()
    expect(person.status()).to_contain_text(
        person.t("The token “%(name)s” was revoked.", name="Rapport annuel")
    )
    assert ApiToken.objects.get(user=user).revoked_at is not None
    person.check()
    person.close()
