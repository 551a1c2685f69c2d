"""Role sheets as plain data: the content of a version, and the difference between two."""

from dataclasses import dataclass, field

from core.changes import display, field_changes
from missions.models import DailyTask, Mission
from missions.timing import task_time_label, upgrade
from roles.models import Role

ROLE_FIELDS = Role.EDITABLE_FIELDS
MISSION_FIELDS = Mission.EDITABLE_FIELDS
TASK_FIELDS = DailyTask.EDITABLE_FIELDS


def snapshot(role):
    """The sheet as JSON-able data. Uses `role.missions.all()` and `mission.tasks.all()`, so
    prefetch them to build it without a query per mission."""
    return {
        "role": {name: getattr(role, name) for name in ROLE_FIELDS},
        "missions": [
            {
                "id": mission.pk,
                **{name: getattr(mission, name) for name in MISSION_FIELDS},
                "tasks": [
                    {"id": task.pk, **{name: getattr(task, name) for name in TASK_FIELDS}}
                    for task in mission.tasks.all()
                ],
            }
            for mission in role.missions.all()
        ],
    }


@dataclass
class ItemDiff:
    """A mission or task that differs. For an added (removed) item, `fields` holds its filled-in
    values as new (old) ones and `tasks` its tasks, so the reader sees what came or went."""

    title: str
    status: str  # "added", "removed", "changed"
    fields: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    moved: bool = False  # its place among the items present on both sides changed


@dataclass
class SheetDiff:
    role_fields: list
    missions: list

    def __bool__(self):
        return bool(self.role_fields or self.missions)


def _filled(item, fields):
    return {name: item.get(name) for name in fields if item.get(name) not in (None, "")}


def _moved_ids(old_items, new_items):
    """Ids of the items present on both sides whose place changed: all but the longest run of
    items that kept their relative order (moving one item up flags that one item only)."""
    new_ids = {item["id"] for item in new_items}
    old_ids = {item["id"] for item in old_items}
    old_index = {
        item_id: index
        for index, item_id in enumerate(item["id"] for item in old_items if item["id"] in new_ids)
    }
    sequence = [item["id"] for item in new_items if item["id"] in old_ids]
    places = [old_index[item_id] for item_id in sequence]
    best, previous = [1] * len(places), [-1] * len(places)
    for i in range(len(places)):
        for j in range(i):
            if places[j] < places[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    kept = set()
    i = max(range(len(places)), key=best.__getitem__, default=-1)
    while i != -1:
        kept.add(sequence[i])
        i = previous[i]
    return set(sequence) - kept


def _diff_items(model, fields, old_items, new_items, title_field, children=None):
    old_by_id = {item["id"]: item for item in old_items}
    new_by_id = {item["id"]: item for item in new_items}
    moved = _moved_ids(old_items, new_items)
    result = []
    for item in new_items:
        before = old_by_id.get(item["id"])
        if before is None:
            result.append(
                ItemDiff(
                    item[title_field],
                    "added",
                    field_changes(model, fields, {}, _filled(item, fields)),
                    children({"tasks": []}, item) if children else [],
                )
            )
            continue
        diff = ItemDiff(
            item[title_field],
            "changed",
            field_changes(model, fields, before, item),
            moved=item["id"] in moved,
        )
        if children:
            diff.tasks = children(before, item)
        if diff.fields or diff.tasks or diff.moved:
            result.append(diff)
    result.extend(
        ItemDiff(
            item[title_field],
            "removed",
            field_changes(model, fields, _filled(item, fields), {}),
            children(item, {"tasks": []}) if children else [],
        )
        for item in old_items
        if item["id"] not in new_by_id
    )
    return result


def diff(old, new):
    """What changed from snapshot `old` to snapshot `new`: role fields, missions, tasks."""

    def task_diff(old_mission, new_mission):
        # Versions adopted before tasks had a time each time keep their old keys (versions
        # are never rewritten): read them the way the migration converted the tasks.
        return _diff_items(
            DailyTask,
            TASK_FIELDS,
            [upgrade(task) for task in old_mission["tasks"]],
            [upgrade(task) for task in new_mission["tasks"]],
            "action",
        )

    return SheetDiff(
        role_fields=field_changes(Role, ROLE_FIELDS, old["role"], new["role"]),
        missions=_diff_items(
            Mission, MISSION_FIELDS, old["missions"], new["missions"], "title", task_diff
        ),
    )


@dataclass
class ShownTask:
    action: str
    time: str  # how often and how long, as people say it


@dataclass
class ShownMission:
    title: str
    description: str
    lived_experience: str
    includes: str
    excludes: str
    latitude: str
    tasks: list


def for_display(data):
    """A snapshot with choice labels, ready for a template."""
    return {
        "role": data["role"],
        "missions": [
            ShownMission(
                **{name: display(Mission, name, mission[name]) for name in MISSION_FIELDS},
                tasks=[
                    ShownTask(action=task["action"], time=task_time_label(task))
                    for task in mission["tasks"]
                ],
            )
            for mission in data["missions"]
        ],
    }
