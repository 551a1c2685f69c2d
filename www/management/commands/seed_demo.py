"""Load fictional demo data: structures, accounts and role sheets (long because the demo's
sheets are written out in full, as a structure would write them).

Idempotent: every object is found by its natural key (user e-mail, structure slug, role title in
its structure, mission title in its role, task action in its mission) and only created when
missing, so running the command again creates nothing and leaves edits made in the demo alone.

Demo accounts share a public password, so the command only runs when settings.DEMO_MODE is true
(DEMO_MODE defaults to DEBUG).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from checkins.models import Going, TimeSpent
from checkins.periods import period_of, previous_periods
from checkins.services import checkin_submit
from missions.models import DailyTask, Frequency, Latitude, Mission
from roles.models import Role, RoleAssignment
from sheets.models import RoleSheetVersion
from sheets.versions import version_answer, version_request
from structures.models import Capacity, FacilitatorSupport, Membership, Structure, User

DEMO_PASSWORD = "demo-peerwork"

# (email, full name, description shown in the summary)
FACILITATOR = (
    "facilitation@plateforme.example",
    "Mathieu Garnier",
    "facilitateur de la plateforme",
)
ADMIN = ("admin@plateforme.example", "Élise Fontaine", "administratrice de la plateforme")

STRUCTURES = [
    {
        "slug": "escale",
        "name": "CAARUD L'Escale",
        "kind": Structure.Kind.CAARUD,
        "city": "Lille",
        "supported": True,
        "managers": [("responsable@escale.example", "Claire Dubois")],
        "peer_workers": [
            ("pair@escale.example", "Karim Benali"),
            ("pair2@escale.example", "Sandrine Morel"),
        ],
        "role": {
            "title": "Travailleur·se pair·e en réduction des risques",
            "purpose": (
                "Rencontrer les personnes qui consomment des produits là où elles sont, créer un "
                "lien de confiance sans jugement et les aider à accéder au matériel, à leurs "
                "droits et aux soins quand elles le souhaitent. Un vécu partagé ouvre des portes "
                "que l'équipe seule n'ouvre pas."
            ),
            "people_served": (
                "Personnes qui consomment des produits, souvent sans logement stable, rencontrées "
                "à l'accueil du CAARUD, dans la rue et dans les squats."
            ),
            "contracted_hours": 28,
            "working_hours": "28 heures par semaine, du lundi au jeudi, dont une soirée de maraude",
            "supervision": (
                "Un point chaque semaine avec la cheffe de service. Analyse de la pratique une "
                "fois par mois avec une intervenante extérieure. Un·e éducateur·rice en binôme "
                "pour les sorties."
            ),
            "lived_experience": (
                "Expérience de la consommation de produits et de la vie à la rue, avec du recul "
                "sur ce parcours. Connaissance de l'intérieur des lieux, des codes et de ce qui "
                "empêche de pousser la porte d'un service."
            ),
            "assigned": ["pair@escale.example", "pair2@escale.example"],
            "missions": [
                {
                    "title": "Rencontrer les personnes dans la rue et les squats",
                    "description": (
                        "Aller vers les personnes qui ne viennent pas à l'accueil, prendre "
                        "des nouvelles, proposer du matériel et faire connaître le CAARUD."
                    ),
                    "lived_experience": (
                        "Je connais les lieux et les codes. Mon parcours me permet d'aborder les "
                        "personnes sans jugement et d'être cru·e quand je dis que l'accueil est "
                        "bienveillant."
                    ),
                    "includes": (
                        "Les tournées prévues avec l'équipe, la remise de matériel de réduction "
                        "des risques, l'information sur l'accueil et ses horaires."
                    ),
                    "excludes": (
                        "Aller seul·e dans un lieu inconnu ou tendu. Transmettre des "
                        "informations sur une personne sans son accord."
                    ),
                    "latitude": Latitude.IN_PAIR,
                    "tasks": [
                        (
                            "Faire la tournée du soir avec un·e collègue",
                            (Frequency.TIMES_A_WEEK, 2),
                            120,
                        ),
                        (
                            "Remettre du matériel de réduction des risques et expliquer comment "
                            "s'en servir",
                            (Frequency.TIMES_A_WEEK, 3),
                            60,
                        ),
                        (
                            "Noter, sans nom, les lieux visités et les besoins repérés",
                            Frequency.WEEKLY,
                            45,
                        ),
                    ],
                },
                {
                    "title": "Accueillir et écouter à l'accueil",
                    "description": (
                        "Être présent·e pendant l'accueil collectif : un café, un échange, une "
                        "oreille pour qui en a besoin."
                    ),
                    "lived_experience": (
                        "J'ai été de l'autre côté du comptoir : je sais ce qu'il en coûte "
                        "d'entrer, et je peux partager ce qui m'a aidé·e, si la personne le "
                        "souhaite."
                    ),
                    "includes": (
                        "L'accueil, les échanges informels, la présentation de l'équipe et des "
                        "services."
                    ),
                    "excludes": (
                        "Tenir seul·e l'accueil à la place d'un·e salarié·e absent·e. Le ménage "
                        "et l'intendance."
                    ),
                    "latitude": Latitude.AUTONOMOUS,
                    "tasks": [
                        (
                            "Être présent·e à l'accueil collectif du matin",
                            (Frequency.TIMES_A_WEEK, 3),
                            120,
                        ),
                        (
                            "Proposer un temps d'échange seul à seul à qui le souhaite",
                            (Frequency.TIMES_A_WEEK, 2),
                            90,
                        ),
                    ],
                },
                {
                    "title": "Accompagner vers les droits et les soins",
                    "description": (
                        "Aller avec la personne à un rendez-vous qu'elle a choisi : "
                        "domiciliation, CPAM, consultation, CSAPA."
                    ),
                    "lived_experience": (
                        "J'ai fait ces démarches moi-même : je peux expliquer concrètement "
                        "comment ça se passe et rassurer avant un rendez-vous."
                    ),
                    "includes": (
                        "Préparer le rendez-vous avec la personne, l'accompagner sur place, faire "
                        "le point ensuite."
                    ),
                    "excludes": (
                        "Remplir les dossiers à la place de la personne. Décider pour elle de son "
                        "parcours de soins."
                    ),
                    "latitude": Latitude.SUPERVISED,
                    "tasks": [
                        (
                            "Accompagner une personne à un rendez-vous qu'elle a choisi",
                            Frequency.WEEKLY,
                            180,
                        ),
                        (
                            "Préparer le rendez-vous avec la personne : papiers, trajet, questions",
                            Frequency.WEEKLY,
                            60,
                        ),
                    ],
                },
                {
                    "title": "Participer à la vie de l'équipe",
                    "description": "Prendre part aux temps collectifs de l'équipe.",
                    "lived_experience": "",
                    "includes": "Les réunions d'équipe et l'analyse de la pratique.",
                    "excludes": "Les tâches administratives des autres salarié·es.",
                    "latitude": Latitude.IN_PAIR,
                    "tasks": [
                        ("Participer à la réunion d'équipe", Frequency.WEEKLY, 120),
                        (
                            "Échanger sur les situations vécues en analyse de la pratique",
                            Frequency.MONTHLY,
                            120,
                        ),
                    ],
                },
            ],
        },
    },
    {
        "slug": "tilleuls",
        "name": "CHRS Les Tilleuls",
        "kind": Structure.Kind.CHRS,
        "city": "Rennes",
        "supported": True,
        "managers": [("responsable@tilleuls.example", "Julien Lefèvre")],
        "peer_workers": [("pair@tilleuls.example", "Nadia Petit")],
        "role": {
            "title": "Travailleur·se pair·e en hébergement",
            "purpose": (
                "Aider les personnes hébergées à reprendre confiance et à trouver leur place, en "
                "montrant qu'on peut sortir de la rue. Porter leur parole auprès de l'équipe et "
                "dans la vie de l'établissement."
            ),
            "people_served": (
                "Adultes hébergé·es au CHRS, seul·es ou en famille, après un parcours de rue ou "
                "d'hébergement d'urgence."
            ),
            "contracted_hours": 24,
            "working_hours": "24 heures par semaine, du mardi au vendredi",
            "supervision": (
                "Un point toutes les deux semaines avec le chef de service. Analyse de la "
                "pratique chaque mois avec d'autres travailleur·ses pair·es de la région. Une "
                "personne référente dans l'équipe éducative."
            ),
            "lived_experience": (
                "Expérience de la rue et de l'hébergement collectif. Connaissance, vécue de "
                "l'intérieur, du chemin vers un logement."
            ),
            "assigned": ["pair@tilleuls.example"],
            "missions": [
                {
                    "title": "Accueillir les personnes qui arrivent",
                    "description": (
                        "Être là les premiers jours, faire découvrir les lieux et répondre aux "
                        "questions."
                    ),
                    "lived_experience": (
                        "Je me souviens de mes premiers jours en foyer : je sais ce qui rassure, "
                        "j'explique les règles avec des mots simples et je réponds aux questions "
                        "qu'on n'ose pas poser à l'équipe."
                    ),
                    "includes": (
                        "La visite des lieux, la présentation des personnes ressources, un "
                        "premier échange autour d'un café."
                    ),
                    "excludes": (
                        "L'entretien d'admission et le contrat de séjour, qui restent à l'équipe "
                        "éducative."
                    ),
                    "latitude": Latitude.IN_PAIR,
                    "tasks": [
                        (
                            "Faire visiter les lieux à une personne qui arrive",
                            Frequency.WEEKLY,
                            120,
                        ),
                        (
                            "Prendre un café avec la personne pendant sa première semaine",
                            Frequency.WEEKLY,
                            60,
                        ),
                    ],
                },
                {
                    "title": "Soutenir la parole des personnes hébergées",
                    "description": (
                        "Aider chacun·e à dire ce qui va et ce qui ne va pas, et à être entendu·e."
                    ),
                    "lived_experience": (
                        "J'ai été hébergé·e : je sais pourquoi on se tait en réunion. J'aide "
                        "chacun·e à prendre la parole et à la faire entendre."
                    ),
                    "includes": (
                        "Co-animer le groupe de parole, aider à préparer le conseil de la vie "
                        "sociale (CVS)."
                    ),
                    "excludes": (
                        "Parler à la place des personnes. Rapporter à l'équipe ce qui est dit en "
                        "confiance."
                    ),
                    "latitude": Latitude.AUTONOMOUS,
                    "tasks": [
                        ("Co-animer le groupe de parole du jeudi", Frequency.WEEKLY, 150),
                        (
                            "Préparer avec les personnes les questions pour le CVS",
                            Frequency.MONTHLY,
                            60,
                        ),
                        (
                            "Afficher et expliquer les comptes rendus du CVS",
                            Frequency.QUARTERLY,
                            180,
                        ),
                    ],
                },
                {
                    "title": "Accompagner vers le logement",
                    "description": (
                        "Être aux côtés de la personne dans les étapes concrètes vers un "
                        "logement à elle."
                    ),
                    "lived_experience": (
                        "Je connais les étapes pour obtenir un logement et les moments où l'on "
                        "se décourage. Je partage des astuces concrètes et je tiens le moral "
                        "quand ça coince."
                    ),
                    "includes": (
                        "Les visites de logement, le premier rendez-vous avec le bailleur, "
                        "l'aide à l'installation."
                    ),
                    "excludes": (
                        "Les demandes de logement (SIAO, DALO), qui restent au travailleur "
                        "social ou à la travailleuse sociale référent·e."
                    ),
                    "latitude": Latitude.SUPERVISED,
                    "tasks": [
                        (
                            "Accompagner une personne à une visite de logement",
                            Frequency.WEEKLY,
                            180,
                        ),
                        (
                            "Aider à l'installation : courses, compteurs, premiers papiers",
                            Frequency.OCCASIONAL,
                            120,
                        ),
                    ],
                },
                {
                    "title": "Participer à la vie de l'équipe",
                    "description": "Prendre part aux temps collectifs de l'équipe.",
                    "lived_experience": "",
                    "includes": "La réunion d'équipe et le cahier de liaison.",
                    "excludes": "Les permanences de nuit et le remplacement des veilleur·ses.",
                    "latitude": Latitude.IN_PAIR,
                    "tasks": [
                        ("Participer à la réunion d'équipe du mardi", Frequency.WEEKLY, 120),
                        (
                            "Noter les informations utiles dans le cahier de liaison",
                            (Frequency.TIMES_A_WEEK, 2),
                            15,
                        ),
                    ],
                },
            ],
        },
    },
    {
        # This sheet is deliberately incomplete, so that its warnings show.
        "slug": "phare",
        "name": "Accueil de jour Le Phare",
        "kind": Structure.Kind.DAY_CENTRE,
        "city": "Nantes",
        "supported": False,
        "managers": [("responsable@phare.example", "Isabelle Roux")],
        "peer_workers": [],
        "role": {
            "title": "Travailleur·se pair·e à l'accueil de jour",
            "purpose": "",
            "people_served": (
                "Personnes sans domicile ou mal logées qui viennent à l'accueil de jour."
            ),
            "contracted_hours": 20,
            "working_hours": "20 heures par semaine, les matins du lundi au vendredi",
            "supervision": "Un point chaque mois avec la responsable.",
            "lived_experience": "Expérience de la rue et des accueils de jour.",
            "assigned": [],
            "missions": [
                {
                    "title": "Tenir l'accueil et le café",
                    "description": "Servir le café et tenir le registre des passages.",
                    "lived_experience": "",
                    "includes": "Le café, les petits-déjeuners, le registre.",
                    "excludes": "",
                    "latitude": Latitude.AUTONOMOUS,
                    "tasks": [
                        ("Servir le café et les petits-déjeuners", Frequency.DAILY, 90),
                        ("Tenir le registre des passages", Frequency.DAILY, 30),
                    ],
                },
                {
                    "title": "Gérer la bagagerie et les douches",
                    "description": "Ouvrir la bagagerie et organiser l'accès aux douches.",
                    "lived_experience": "",
                    "includes": "La bagagerie, les tickets de douche.",
                    "excludes": "",
                    "latitude": Latitude.AUTONOMOUS,
                    "tasks": [
                        ("Ouvrir la bagagerie et ranger les affaires", Frequency.DAILY, 60),
                        ("Remettre les tickets de douche", Frequency.DAILY, 30),
                    ],
                },
                {
                    "title": "Rencontrer les personnes qui ne viennent pas à l'accueil",
                    "description": "À définir avec l'équipe.",
                    "lived_experience": "",
                    "includes": "",
                    "excludes": "",
                    "latitude": Latitude.SUPERVISED,
                    "tasks": [],
                },
            ],
        },
    },
]


DRIFT_NOTE = (
    "On me demande de plus en plus de tenir l'accueil à la place de l'équipe : je vais moins "
    "vers les personnes."
)


class Command(BaseCommand):
    help = (
        "Load fictional demo structures, accounts and role sheets (idempotent). "
        f"Demo accounts use the public password '{DEMO_PASSWORD}': only runs when DEMO_MODE "
        "is true (it defaults to DEBUG)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                f"seed_demo creates accounts with the public password '{DEMO_PASSWORD}', so it "
                "only runs in demo mode. Set DEBUG=true for local development, or DEMO_MODE=true "
                "on a demo server; never on a real one."
            )
        self.created = 0
        self.accounts = []
        with transaction.atomic():
            self._seed()
        self._summary()

    # --- helpers ---------------------------------------------------------------------------

    def _get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj

    def _user(self, email, full_name, who, structure="", **flags):
        user, created = User.objects.get_or_create(
            email=email, defaults={"full_name": full_name, "language": "fr", **flags}
        )
        if created:
            # The password is set only on creation: a changed demo password survives a re-run.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.created += 1
        self.accounts.append((email, who, structure))
        return user

    # --- data ------------------------------------------------------------------------------

    def _seed(self):
        facilitator = self._user(*FACILITATOR, structure="L'Escale, Les Tilleuls")
        support_start = timezone.localdate() - timedelta(days=120)
        for spec in STRUCTURES:
            structure = self._get_or_create(
                Structure,
                slug=spec["slug"],
                defaults={"name": spec["name"], "kind": spec["kind"], "city": spec["city"]},
            )
            managers = [
                self._user(email, name, "responsable", structure.name)
                for email, name in spec["managers"]
            ]
            peers = {
                email: self._user(email, name, "travailleur·se pair·e", structure.name)
                for email, name in spec["peer_workers"]
            }
            for user in managers:
                self._get_or_create(
                    Membership,
                    user=user,
                    structure=structure,
                    defaults={"capacity": Capacity.MANAGER},
                )
            for user in peers.values():
                self._get_or_create(
                    Membership,
                    user=user,
                    structure=structure,
                    defaults={"capacity": Capacity.PEER_WORKER},
                )
            if spec["supported"]:
                self._get_or_create(
                    FacilitatorSupport,
                    facilitator=facilitator,
                    structure=structure,
                    end_date__isnull=True,
                    defaults={"start_date": support_start},
                )
            self._role(structure, spec["role"], managers[0], peers)
        self._user(*ADMIN, is_staff=True, is_superuser=True)
        self._escale_checkins()

    def _role(self, structure, spec, manager, peers):
        fields = (
            "purpose",
            "people_served",
            "working_hours",
            "contracted_hours",
            "supervision",
            "lived_experience",
        )
        role = self._get_or_create(
            Role,
            structure=structure,
            title__iexact=spec["title"],
            defaults={
                "title": spec["title"],
                "updated_by": manager,
                **{name: spec[name] for name in fields},
            },
        )
        for email in spec["assigned"]:
            self._get_or_create(
                RoleAssignment,
                role=role,
                peer_worker=peers[email],
                defaults={"assigned_by": manager},
            )
        for position, mission_spec in enumerate(spec["missions"]):
            mission = self._get_or_create(
                Mission,
                role=role,
                title=mission_spec["title"],
                defaults={
                    "position": position,
                    "updated_by": manager,
                    **{
                        name: mission_spec[name]
                        for name in (
                            "description",
                            "lived_experience",
                            "includes",
                            "excludes",
                            "latitude",
                        )
                    },
                },
            )
            # (action, how often, minutes each time); "n times" kinds as (frequency, n).
            for task_position, (action, how_often, each) in enumerate(mission_spec["tasks"]):
                frequency, times = how_often if isinstance(how_often, tuple) else (how_often, 1)
                self._get_or_create(
                    DailyTask,
                    mission=mission,
                    action=action,
                    defaults={
                        "frequency": frequency,
                        "times": times,
                        "duration_minutes": each,
                        "position": task_position,
                        "updated_by": manager,
                    },
                )

    def _escale_checkins(self):
        """L'Escale's sheet, adopted, with six months of check-ins by its first peer worker: its
        second mission drifts in the last two, so the portfolio's alert shows at once. Only on
        a first run (a demo where people signed or checked in since is left as it is)."""
        role = Role.objects.get(structure__slug="escale")
        if RoleSheetVersion.objects.filter(role=role).exists():
            return
        manager = User.objects.get(email="responsable@escale.example")
        peers = [a.peer_worker for a in role.assignments.select_related("peer_worker")]
        # Its review comes in two weeks: the sheet says so, and run_periodic reminds people.
        version = version_request(
            role=role, by=manager, review_on=timezone.localdate() + timedelta(days=14)
        )
        for person in [manager, *peers]:
            version = version_answer(version=version, by=person, decision="signed")
        self.created += 1
        missions = version.snapshot["missions"]
        before = period_of(timezone.localdate())[0] - timedelta(days=1)
        periods = previous_periods(before, 6)
        for index, (start, _end) in enumerate(periods):
            drifting = index >= len(periods) - 2
            answers = {
                mission["id"]: (Going.CLEAR, TimeSpent.AS_PLANNED, "") for mission in missions
            }
            if len(missions) > 1:
                answers[missions[1]["id"]] = (
                    (Going.DRIFTING, TimeSpent.MORE, DRIFT_NOTE)
                    if drifting
                    else (Going.HARD if index >= 2 else Going.CLEAR, TimeSpent.AS_PLANNED, "")
                )
            checkin_submit(
                role=role,
                by=peers[0],
                answers=answers,
                extras=[("Remplacer un·e collègue à l'accueil", 120)] if drifting else [],
                share_notes=True,
                day=start,
            )
            self.created += 1

    def _summary(self):
        if self.created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded ({self.created} objects created).")
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present: nothing to do."))
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        width = max(len(email) for email, _who, _structure in self.accounts)
        for email, who, structure in self.accounts:
            where = f" — {structure}" if structure else ""
            self.stdout.write(f"  {email.ljust(width)}  {who}{where}")
