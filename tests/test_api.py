"""The read-only API: tokens made and revoked on the account page, scoped like the pages
(every endpoint × every kind of actor), problem details, pagination, ETag, rate limit."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.api import api
from api.models import ApiToken
from api.tokens import token_create
from api.urls import urlpatterns
from facilitation.models import Review
from sheets.versions import version_answer, version_request

from .factories import DailyTaskFactory, MissionFactory, RoleFactory, StructureFactory
from .test_permissions import ACTORS

OUTSIDERS = {"other_facilitator": 404, "other_manager": 404, "admin": 404, "anonymous": 401}
READ = {"manager": 200, "peer_worker": 200, "other_peer_worker": 200, "facilitator": 200}
REVIEWS = {"manager": 200, "facilitator": 200, "peer_worker": 403, "other_peer_worker": 403}


def _structure(w):
    return {"slug": w.structure.slug}


def _role(w):
    return {"role_id": w.role.pk}


# Every endpoint of the API, with what it needs and who may read it.
ENDPOINTS = [
    # Everyone with a token may ask; an outsider gets an empty list.
    (
        "api:structures",
        lambda w: {},
        READ | {"other_facilitator": 200, "other_manager": 200, "admin": 200},
    ),
    ("api:structure", _structure, READ),
    ("api:structure_roles", _structure, READ),
    ("api:role", _role, READ),
    ("api:role_versions", _role, READ),
    ("api:structure_reviews", _structure, REVIEWS),
]
PUBLIC = {"api:openapi-json", "api:openapi-view", "api:api-root", "api:unknown"}


@pytest.fixture(autouse=True)
def _no_throttle_memory():
    cache.clear()


def bearer(user):
    _token, key = token_create(by=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _get(world, actor, name, kwargs, **headers):
    if actor != "anonymous":
        headers = bearer(getattr(world, actor)) | headers
    return Client().get(reverse(name, kwargs=kwargs), **headers)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "kwargs", "allowed"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_api_matrix(world, actor, name, kwargs, allowed):
    response = _get(world, actor, name, kwargs(world))
    expected = allowed.get(actor) or OUTSIDERS[actor]
    assert response.status_code == expected, response.content[:300]
    if expected != 200:
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == expected and body["title"]
        # An outsider learns nothing: the same answer as for what does not exist.
        if expected == 404:
            assert world.structure.name not in response.content.decode()


def test_every_api_url_is_in_the_matrix():
    names = {f"api:{p.name}" for p in urlpatterns}
    assert names - PUBLIC == {name for name, _kw, _allowed in ENDPOINTS}


def test_a_session_alone_does_not_open_the_api(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("api:structures"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_unknown_token_is_refused(world):
    token, key = token_create(by=world.manager, name="report")
    url = reverse("api:structures")
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().get(url, HTTP_AUTHORIZATION="Bearer pw_nothing").status_code == 401
    world.manager.is_active = False
    world.manager.save()
    _token, other = token_create(by=world.manager, name="again")
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401


def test_tokens_are_stored_hashed_with_a_last_used_date(world):
    token, key = token_create(by=world.manager, name="report")
    assert key.startswith("pw_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix) and stored.last_used_at is None
    Client().get(reverse("api:structures"), HTTP_AUTHORIZATION=f"Bearer {key}")
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_the_role_says_its_sheet_with_missions_tasks_and_indicators(world):
    response = _get(world, "facilitator", "api:role", _role(world))
    body = response.json()
    assert body["title"] == world.role.title
    assert [m["title"] for m in body["missions"]] == [m.title for m in world.role.missions.all()]
    task = world.task
    first = body["missions"][0]["tasks"][0]
    assert (first["action"], first["frequency"], first["duration_minutes"]) == (
        task.action,
        task.frequency,
        task.duration_minutes,
    )
    assert body["indicators"]["missions"] == world.role.missions.count()
    assert body["holders"] == [world.peer_worker.get_full_name()]


def test_the_role_answers_304_while_its_sheet_has_not_changed(world, django_assert_num_queries):
    headers = bearer(world.manager)
    url = reverse("api:role", kwargs=_role(world))
    first = Client().get(url, **headers)
    etag = first["ETag"]
    with django_assert_num_queries(2):  # the token, the role through the person's access
        unchanged = Client().get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert unchanged.status_code == 304 and unchanged.content == b""
    MissionFactory(role=world.role, title="Une mission de plus")
    changed = Client().get(url, HTTP_IF_NONE_MATCH=etag, **headers)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Une mission de plus" in changed.content.decode()


def test_the_role_query_count_does_not_grow_with_the_sheet(world, django_assert_num_queries):
    headers = bearer(world.manager)
    url = reverse("api:role", kwargs=_role(world))
    Client().get(url, **headers)  # the token's last-used date, written once
    # The token, the role through the access check, the sheet with its missions, tasks, holders.
    MissionFactory(role=world.role, position=29)  # a new state: the answer is made again
    with django_assert_num_queries(6) as small:
        assert Client().get(url, **headers).status_code == 200
    with django_assert_num_queries(2):  # unchanged: the token, the role; the answer is kept
        assert Client().get(url, **headers).status_code == 200
    for index in range(10):
        DailyTaskFactory.create_batch(
            5, mission=MissionFactory(role=world.role, position=30 + index)
        )
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(Client().get(url, **headers).json()["missions"]) == 13


def test_versions_come_with_their_signatures(world):
    version = version_request(role=world.role, by=world.manager)
    version_answer(version=version, by=world.manager, decision="signed")
    body = _get(world, "peer_worker", "api:role_versions", _role(world)).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["number"] == 1 and item["status"] == "awaiting"
    assert item["fingerprint"] == version.short_fingerprint()
    decisions = {s["signatory"]: s["decision"] for s in item["signatures"]}
    assert decisions[world.manager.get_full_name()] == "signed"


def test_lists_are_paginated(world):
    for index in range(55):
        RoleFactory(structure=world.structure, title=f"Rôle {index:02d}")
    headers = bearer(world.manager)
    url = reverse("api:structure_roles", kwargs=_structure(world))
    first = Client().get(url, **headers).json()
    assert first["count"] == 56 and len(first["items"]) == 50
    second = Client().get(url, {"page": 2}, **headers).json()
    assert len(second["items"]) == 6
    assert Client().get(url, {"page": "x"}, **headers)["Content-Type"] == "application/problem+json"


def test_structures_are_those_the_person_may_read(world):
    StructureFactory(name="Une structure d'ailleurs")
    body = _get(world, "facilitator", "api:structures", {}).json()
    assert {item["slug"] for item in body["items"]} == {world.structure.slug}
    assert body["items"][0]["capacity"] == "facilitator"


def test_reviews_for_the_facilitators_and_managers(world):
    Review.objects.create(structure=world.structure, author=world.facilitator, notes="Bien parti.")
    body = _get(world, "manager", "api:structure_reviews", _structure(world)).json()
    assert [r["notes"] for r in body["items"]] == ["Bien parti."]


def test_each_token_has_its_own_rate_limit(world, settings):
    throttle = api.throttle[0] if isinstance(api.throttle, list) else api.throttle
    throttle.num_requests = 3
    try:
        headers, other = bearer(world.manager), bearer(world.manager)
        url = reverse("api:structures")
        answers = [Client().get(url, **headers).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        refused = Client().get(url, **headers)
        assert refused["Content-Type"] == "application/problem+json"
        assert int(refused["Retry-After"]) > 0
        assert Client().get(url, **other).status_code == 200
    finally:
        throttle.num_requests = int(settings.API_RATE.split("/")[0])


def test_the_docs_page_and_openapi_are_served_without_a_cdn(client, db):
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/v1/roles/{role_id}/" in schema["paths"]
    page = client.get(reverse("api:openapi-view")).content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "<noscript><p>" in page and reverse("api:openapi-json") in page  # without JavaScript
    assert not re.search(r'src="https?://', page)


# --- the account page --------------------------------------------------------------------


def test_a_token_is_made_shown_once_and_revoked_on_the_account_page(client, world):
    client.force_login(world.peer_worker)
    response = client.post(reverse("token_new"), {"name": "Rapport annuel"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = re.search(r'value="(pw_[^"]+)"', response.content.decode()).group(1)
    assert (
        Client().get(reverse("api:structures"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        == 200
    )
    page = client.get(reverse("account")).content.decode()
    assert "Rapport annuel" in page and key not in page  # listed, never shown again
    token = ApiToken.objects.get(user=world.peer_worker)
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert (
        Client().get(reverse("api:structures"), HTTP_AUTHORIZATION=f"Bearer {key}").status_code
        == 401
    )


def test_a_token_needs_a_name_and_others_tokens_cannot_be_revoked(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("token_new"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    theirs, _key = token_create(by=world.peer_worker, name="theirs")
    assert client.post(reverse("token_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("name", ["token_new", "token_revoke"])
def test_anonymous_people_are_sent_to_log_in_for_tokens(client, world, name):
    token, _key = token_create(by=world.manager, name="report")
    path = reverse(name, kwargs={"token_id": token.pk} if name == "token_revoke" else {})
    response = client.post(path, {"name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_the_kept_answer_follows_every_change_of_the_sheet(world):
    headers = bearer(world.facilitator)
    url = reverse("api:role", kwargs=_role(world))
    assert Client().get(url, **headers).json()["holders"] == [world.peer_worker.get_full_name()]
    world.peer_worker.full_name = "Un autre nom"
    world.peer_worker.save()
    assert Client().get(url, **headers).json()["holders"] == ["Un autre nom"]
    world.task.__class__.objects.filter(pk=world.task.pk).update(action="Changée par update()")
    actions = [
        t["action"] for m in Client().get(url, **headers).json()["missions"] for t in m["tasks"]
    ]
    assert "Changée par update()" in actions


def test_an_unknown_address_is_a_problem_too(db):
    response = Client().get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
