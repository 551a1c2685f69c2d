"""What the API answers, as typed schemas (OpenAPI is generated from them)."""

import datetime
import uuid

from ninja import Schema


class StructureOut(Schema):
    slug: str
    name: str
    kind: str
    capacity: str  # what the token's person is there: manager, peer_worker or facilitator


class RoleSummaryOut(Schema):
    id: uuid.UUID
    title: str
    sheet_counter: int  # moves at every change of what the sheet shows


class StructureDetailOut(StructureOut):
    roles: list[RoleSummaryOut]


class TaskOut(Schema):
    id: int
    action: str
    frequency: str
    times: int
    duration_minutes: int  # each time
    minutes_per_week: int  # what it amounts to (a working week has 5 days)


class MissionOut(Schema):
    id: int
    title: str
    description: str
    lived_experience: str
    includes: str
    excludes: str
    latitude: str
    tasks: list[TaskOut]


class IndicatorsOut(Schema):
    missions: int
    tasks: int
    missions_without_tasks: int
    minutes_per_week: int
    minutes_per_week_on_lived_experience: int
    lived_experience_share_percent: int | None
    open_proposals: int
    adopted_version: int | None
    peer_workers_who_have_not_signed: int


class RoleOut(Schema):
    id: uuid.UUID
    structure: str
    title: str
    purpose: str
    people_served: str
    working_hours: str
    contracted_hours: float | None
    supervision: str
    lived_experience: str
    sheet_counter: int
    holders: list[str]
    missions: list[MissionOut]
    indicators: IndicatorsOut


class SignatureOut(Schema):
    signatory: str
    decision: str
    decided_at: datetime.datetime | None


class VersionOut(Schema):
    number: int
    status: str
    requested_at: datetime.datetime
    adopted_at: datetime.datetime | None
    fingerprint: str
    signatures: list[SignatureOut]


class RecommendationOut(Schema):
    text: str
    status: str
    role: uuid.UUID | None
    mission: int | None


class ReviewOut(Schema):
    id: int
    reviewed_on: datetime.date
    author: str
    notes: str
    recommendations: list[RecommendationOut]
