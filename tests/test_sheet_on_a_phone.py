"""The role sheet stays short on a phone: at most two controls per task are shown at once."""

import re

from django.urls import reverse

from .factories import DailyTaskFactory


def _task_rows(page):
    return re.findall(r'<li id="task-\d+" class="list-group-item">(.*?)</li>', page, re.S)


def _shown_controls(row):
    """The buttons and links of a task's row, outside a closed menu (its summary counts)."""
    folded = re.sub(
        r"<details[^>]*>\s*<summary.*?</summary>(.*?)</details>", "<summary/>", row, flags=re.S
    )
    return len(re.findall(r"<button\b|<a\b|<summary", folded))


def test_a_manager_sees_edit_and_more_per_task(client, world):
    DailyTaskFactory.create_batch(3, mission=world.mission)
    client.force_login(world.manager)
    page = client.get(reverse("roles:detail", args=[world.role.pk])).content.decode()
    rows = _task_rows(page)
    assert len(rows) >= 4
    assert max(_shown_controls(row) for row in rows) == 2
    # The moves and the removal are all still there, in each task's menu.
    middle = rows[1]
    assert "Monter" in middle and "Descendre" in middle and "Supprimer" in middle
    assert 'class="task-more"' in middle


def test_a_peer_worker_has_no_button_on_a_task(client, world):
    client.force_login(world.peer_worker)
    page = client.get(reverse("roles:detail", args=[world.role.pk])).content.decode()
    assert all(_shown_controls(row) == 0 for row in _task_rows(page))
