"""Factories with traits for the usual set-ups.

StructureFactory(with_manager=True)        a structure with one manager
RoleFactory(with_missions=3)               a role with 3 missions of 2 tasks each
UserFactory(password="…")                  a person (fast hasher in test settings)
InvitationFactory(expired=True)            an invitation (also accepted=True, replaced=True)
"""

import datetime

import factory
from django.utils import timezone

from missions.models import DailyTask, Frequency, Latitude, Mission
from roles.models import Role, RoleAssignment
from structures.models import (
    Capacity,
    FacilitatorSupport,
    Invitation,
    Membership,
    Structure,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "password")

    class Params:
        platform_admin = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Structure {n}")
    slug = factory.Sequence(lambda n: f"structure-{n}")
    kind = Structure.Kind.CAARUD
    city = "Lyon"

    @factory.post_generation
    def with_manager(obj, create, extracted, **kwargs):
        if create and extracted:
            MembershipFactory(structure=obj, capacity=Capacity.MANAGER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    capacity = Capacity.PEER_WORKER

    class Params:
        manager = factory.Trait(capacity=Capacity.MANAGER)


class FacilitatorSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitatorSupport

    facilitator = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = None

    class Params:
        ended = factory.Trait(
            start_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=400)
            ),
            end_date=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=1)
            ),
        )


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation (the token is not kept: only its hash)."""

    class Meta:
        model = Invitation

    structure = factory.SubFactory(StructureFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    capacity = Capacity.PEER_WORKER
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
        )
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        replaced = factory.Trait(replaced_at=factory.LazyFunction(timezone.now))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    title = factory.Sequence(lambda n: f"Travailleur·se pair·e {n}")
    purpose = "Faire le lien entre les personnes accompagnées et l'équipe."
    people_served = "Personnes sans domicile"
    working_hours = "24 h par semaine"
    supervision = "Analyse de la pratique une fois par mois"
    lived_experience = "Expérience de la rue"

    class Params:
        # Nothing written beyond the title: the PDF leaves the empty sections out.
        blank = factory.Trait(
            purpose="", people_served="", working_hours="", supervision="", lived_experience=""
        )

    @factory.post_generation
    def with_missions(obj, create, extracted, **kwargs):
        """`with_missions=N`: N missions of 2 tasks each, the first drawing on lived experience."""
        if create and extracted:
            for index in range(extracted):
                mission = MissionFactory(
                    role=obj,
                    position=index,
                    lived_experience="Mon vécu aide à créer la confiance." if index == 0 else "",
                )
                DailyTaskFactory.create_batch(2, mission=mission)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    role = factory.SubFactory(RoleFactory)
    peer_worker = factory.SubFactory(UserFactory)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    role = factory.SubFactory(RoleFactory)
    title = factory.Sequence(lambda n: f"Mission {n}")
    description = "Rencontrer les personnes là où elles sont."
    lived_experience = "Mon expérience de la rue m'aide à aller vers les gens."
    includes = "Les maraudes du soir"
    excludes = "La distribution des repas"
    latitude = Latitude.IN_PAIR
    position = factory.Sequence(lambda n: n)

    class Params:
        blank = factory.Trait(description="", lived_experience="", includes="", excludes="")


class DailyTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DailyTask

    mission = factory.SubFactory(MissionFactory)
    action = factory.Sequence(lambda n: f"Tâche concrète {n}")
    frequency = Frequency.WEEKLY
    times = 1
    # `minutes_per_week=N`: a weekly task of N minutes (what most tests need).
    duration_minutes = factory.LazyAttribute(
        lambda o: 60 if o.minutes_per_week is None else o.minutes_per_week
    )
    position = factory.Sequence(lambda n: n)

    class Params:
        minutes_per_week = None


# --- proposals (appended for the joint definition) -----------------------------------------


def _mission_values(mission):
    return {name: getattr(mission, name) for name in Mission.EDITABLE_FIELDS}


class ProposalFactory(factory.django.DjangoModelFactory):
    """An open proposal to change a mission's delimitation (what it includes)."""

    class Meta:
        model = "missions.Proposal"

    role = factory.SubFactory(RoleFactory)
    author = factory.SubFactory(UserFactory)
    kind = "change_mission"
    mission = factory.SubFactory(MissionFactory, role=factory.SelfAttribute("..role"))
    subject = factory.LazyAttribute(lambda o: o.mission.title)
    before = factory.LazyAttribute(lambda o: _mission_values(o.mission))
    proposed = factory.LazyAttribute(
        lambda o: _mission_values(o.mission) | {"includes": "Les maraudes du matin aussi"}
    )
    base_revision = factory.LazyAttribute(lambda o: o.mission.revision)
    rationale = "Les personnes sont plus faciles à rencontrer le matin."


class ProposalCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "missions.ProposalComment"

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Message {n} de la discussion")


# --- reviews (appended for facilitation) ---------------------------------------------------


class ReviewFactory(factory.django.DjangoModelFactory):
    """A facilitator's review of a structure. `with_recommendations=N`: N open ones about the
    whole structure."""

    class Meta:
        model = "facilitation.Review"
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    author = factory.SubFactory(UserFactory)
    reviewed_on = factory.LazyFunction(timezone.localdate)
    notes = "Rencontre avec l’équipe\u00a0: la fiche de rôle avance bien."

    @factory.post_generation
    def with_recommendations(obj, create, extracted, **kwargs):
        if create and extracted:
            RecommendationFactory.create_batch(extracted, review=obj)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "facilitation.Recommendation"

    review = factory.SubFactory(ReviewFactory)
    text = factory.Sequence(lambda n: f"Recommandation {n}")
    position = factory.Sequence(lambda n: n)
