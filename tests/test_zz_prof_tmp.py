import time

from django.urls import reverse

from tests.factories import ProposalFactory


def test_profile(client, world):
    proposal = ProposalFactory(role=world.role)
    pages = [
        ("trivial", "/accounts/ping/", world.manager),
        ("sheet", reverse("roles:detail", args=[world.role.pk]), world.manager),
        ("structure", world.structure.get_absolute_url(), world.manager),
        ("portfolio", reverse("portfolio"), world.facilitator),
        ("proposal", proposal.get_absolute_url(), world.manager),
        ("checkin_list", reverse("checkins:list", args=[world.role.pk]), world.manager),
    ]
    for name, url, user in pages:
        client.force_login(user)
        assert client.get(url).status_code == 200
        best = 1e9
        for _round in range(3):
            t = time.process_time()
            for _ in range(100):
                client.get(url)
            best = min(best, (time.process_time() - t) / 100 * 1000)
        print(name, round(best, 2), "ms cpu")
