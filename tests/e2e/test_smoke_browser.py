"""Smoke test: the login page renders in a phone-sized browser without accessibility violations."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_on_a_small_screen_is_accessible(live_server, page, axe_check):
    page.set_viewport_size({"width": 360, "height": 740})
    response = page.goto(live_server.url + "/accounts/login/")
    assert response is not None
    assert response.status == 200, response.status
    axe_check(page)
