"""The interface speaks the person's language, remembered on their account."""

from django.conf import settings
from django.urls import reverse


def test_french_is_the_default(client, world):
    client.force_login(world.manager)
    response = client.get("/")
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_choosing_english_is_saved_on_the_account(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    world.manager.refresh_from_db()
    assert world.manager.language == "en"


def test_the_saved_language_applies_on_a_new_device(client, world):
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)  # a fresh browser: no language cookie
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert "Log out" in response.content.decode()


def test_the_browser_choice_wins_over_the_account(client, world):
    world.manager.language = "en"
    world.manager.save()
    client.force_login(world.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/").headers["Content-Language"] == "fr"


def test_an_unknown_language_changes_nothing(client, world):
    world.manager.language = "fr"
    world.manager.save()
    client.force_login(world.manager)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    world.manager.refresh_from_db()
    assert world.manager.language == "fr"


def test_without_a_choice_the_browser_language_applies(client, world):
    assert world.manager.language == ""
    client.force_login(world.manager)
    response = client.get("/", headers={"accept-language": "en"})
    assert response.headers["Content-Language"] == "en"
