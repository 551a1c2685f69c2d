"""What the end-to-end journeys share: languages, JavaScript on or off, people in browsers.

Every journey runs four times: in French and in English, with JavaScript on and off
(`@VARIANTS`). The accounts have no saved language, so the browser's Accept-Language decides,
and the locators use the app's own catalogue: `t("Log in", "fr")` is what a French reader
sees ("Se connecter"). `make test` compiles the catalogues first.

axe-core and the sideways-scroll check are scripts, and Playwright's `evaluate` waits forever
where scripts are disabled. So `Person.check()` runs them in the JavaScript-on variant, which
visits the same pages; a page that only the JavaScript-off variant sees (a form page that opens
in place otherwise) is checked by loading its URL in a twin browser with JavaScript, logged in
as the same person (same cookies).
"""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LOCALES = {"fr": "fr-FR", "en": "en-US"}

VARIANTS = pytest.mark.parametrize(
    ("lang", "js"),
    [("fr", True), ("fr", False), ("en", True), ("en", False)],
    ids=["fr-js", "fr-nojs", "en-js", "en-nojs"],
)


def t(msgid, lang, /, **params):
    """`msgid` as the app says it in `lang`, with `%(name)s` placeholders filled in."""
    with translation.override(lang):
        text = translation.gettext(msgid)
    return text % params if params else text


def tn(singular, plural, count, lang, /, **params):
    """The plural form of a message for `count`; `counter`/`count` placeholders are filled."""
    with translation.override(lang):
        text = translation.ngettext(singular, plural, count)
    return text % {"counter": count, "count": count, **params}


def date(value, lang, fmt="DATE_FORMAT"):
    """A date as the templates show it in `lang` (`|date:"DATE_FORMAT"`), in local time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    with translation.override(lang):
        return formats.date_format(value, fmt)


def exactly(text):
    """An accessible name equal to `text` (Playwright matches substrings by default)."""
    return re.compile(rf"^{re.escape(text)}$")


def starting(text):
    """An accessible name starting with `text` (e.g. followed by a visually hidden part)."""
    return re.compile(rf"^{re.escape(text)}")


def field(scope, label):
    """The form field labelled `label` in `scope`, whatever its case, with or without the
    asterisk that marks a required field."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$", re.IGNORECASE))


def log_in(page, base_url, user, path="/", lang="en", *, check=None):
    """Go to `path` anonymously, log in through the real form, land where it leads.

    `check()`, if given, is called on the login page."""
    page.goto(base_url + path)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    if check is not None:
        check()
    page.get_by_label(t("E-mail address", lang)).fill(user.email)
    page.get_by_label(t("Password", lang)).fill("password")
    page.get_by_role("main").get_by_role("button", name=t("Log in", lang)).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


class Person:
    """One person in their own browser: a language, a viewport, JavaScript on or off."""

    def __init__(self, browser, axe_check, base_url, user, *, lang, js, viewport):
        self.browser, self.axe_check, self.base_url, self.user = browser, axe_check, base_url, user
        self.lang, self.js, self.viewport = lang, js, viewport
        self.context = browser.new_context(
            viewport=viewport, locale=LOCALES[lang], java_script_enabled=js
        )
        self.page = self.context.new_page()

    def t(self, msgid, /, **params):
        return t(msgid, self.lang, **params)

    def tn(self, singular, plural, count, /, **params):
        return tn(singular, plural, count, self.lang, **params)

    def date(self, value, fmt="DATE_FORMAT"):
        return date(value, self.lang, fmt)

    def set_viewport(self, viewport):
        self.viewport = viewport
        self.page.set_viewport_size(viewport)

    def goto(self, path):
        self.page.goto(self.base_url + path)

    def log_in(self, path="/", *, check=False):
        """Log in through the real form; `check=True` checks the login page on the way."""
        log_in(
            self.page,
            self.base_url,
            self.user,
            path,
            self.lang,
            check=self.check if check else None,
        )

    def check(self, *, only_without_js=False):
        """axe-core finds no violation here, and nothing scrolls sideways at 360 px (a page
        seen on a desktop is narrowed to a phone's width for that, then widened again).

        With JavaScript off, pages the JavaScript-on variant also visits are checked there;
        `only_without_js=True` marks a page it does not visit: it is checked in a twin.
        """
        if self.js:
            self._check(self.page)
        elif only_without_js:
            twin = self.browser.new_context(
                viewport=self.viewport,
                locale=LOCALES[self.lang],
                storage_state=self.context.storage_state(),
            )
            try:
                page = twin.new_page()
                page.goto(self.page.url)
                self._check(page)
            finally:
                twin.close()

    def _check(self, page):
        self.axe_check(page)
        # On a desktop too: would this page scroll sideways on a phone?
        if self.viewport["width"] > PHONE["width"]:
            page.set_viewport_size(PHONE)
        try:
            assert_no_sideways_scroll(page)
        finally:
            page.set_viewport_size(self.viewport)

    def status(self):
        """The live region where the app says what was just done."""
        return self.page.get_by_role("status")

    def main(self):
        return self.page.get_by_role("main")

    def close(self):
        self.context.close()
