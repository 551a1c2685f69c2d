"""The bench's own data (bench/seed.py) still fits the models: `make bench` is not run in CI,
so a constraint the bulk rows miss (an adopted version without a review date, say) would only
show there. Every page the bench loads answers 200 on the smallest shape it seeds."""

import pytest
from django.test import Client

from bench.bench_load import API_PAGES, bearer, page_urls, small_shape
from bench.seed import seed
from checkins.models import CheckIn
from sheets.models import RoleSheetVersion


@pytest.mark.django_db
def test_the_bench_seeds_and_every_page_it_loads_answers():
    seeded = seed(small_shape(1))
    assert CheckIn.objects.filter(role=seeded.checkin_role).count() == 12
    assert not RoleSheetVersion.objects.filter(status="adopted", review_on__isnull=True).exists()
    for name, (url, user) in page_urls(seeded).items():
        client = Client()
        headers = {}
        if name in API_PAGES:
            headers["HTTP_AUTHORIZATION"] = bearer(user)
        else:
            client.force_login(user)
        assert client.get(url, **headers).status_code == 200, name
