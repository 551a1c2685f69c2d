"""The starter set of the library of reference missions, in French (the platform's language).

Platform admins curate the library afterwards in the admin site; this migration only adds the
missions that are missing (by title), so it never overwrites their edits.
"""

from django.db import migrations

STARTER_SET = [
    {
        "title": "Rencontrer les personnes là où elles sont (aller-vers)",
        "description": (
            "Aller à la rencontre des personnes qui ne viennent pas ou plus vers les services : "
            "dans la rue, les squats, les campements, les lieux d'accueil. Créer un premier lien, "
            "sans condition."
        ),
        "lived_experience": (
            "Avoir connu les mêmes lieux et les mêmes galères aide à être reconnu·e, à trouver "
            "les mots justes et à gagner la confiance plus vite."
        ),
        "includes": "Tournées de rue, présence régulière sur les lieux de vie, premier contact.",
        "excludes": "Les contrôles, les signalements, l'accompagnement au long cours seul·e.",
        "latitude": "in_pair",
        "typical_tasks": [
            {"action": "Faire une tournée de rue en binôme", "frequency": "several_a_week",
             "minutes_per_week": 360},
            {"action": "Noter les besoins repérés pour l'équipe, sans nom", "frequency": "weekly",
             "minutes_per_week": 60},
        ],
        "suits_kinds": ["caarud", "outreach", "chrs", "day_centre"],
    },
    {
        "title": "Accompagner une personne dans ses démarches",
        "description": (
            "Accompagner une personne, à son rythme, vers ce qu'elle a choisi : droits, soins, "
            "logement, emploi. Être à ses côtés lors des rendez-vous si elle le souhaite."
        ),
        "lived_experience": (
            "Connaître de l'intérieur les obstacles des démarches permet de les anticiper, de "
            "rassurer et de montrer qu'un chemin est possible."
        ),
        "includes": "Préparer un rendez-vous, accompagner physiquement, faire le point ensemble.",
        "excludes": "Décider à la place de la personne, tenir le dossier social.",
        "latitude": "autonomous",
        "typical_tasks": [
            {"action": "Accompagner une personne à un rendez-vous", "frequency": "weekly",
             "minutes_per_week": 180},
            {"action": "Faire le point avec la personne après le rendez-vous",
             "frequency": "weekly", "minutes_per_week": 60},
        ],
        "suits_kinds": [],
    },
    {
        "title": "Faire le lien entre les personnes et les services (médiation)",
        "description": (
            "Aider les personnes et les professionnel·les à se comprendre : traduire les "
            "attentes de chacun, apaiser les tensions, faciliter l'accès à un service."
        ),
        "lived_experience": (
            "Avoir été de l'autre côté du guichet aide à expliquer aux équipes ce que vit la "
            "personne, et à la personne comment fonctionne le service."
        ),
        "includes": "Présence aux moments d'accueil, médiation lors d'un désaccord.",
        "excludes": "Faire respecter le règlement à la place de l'équipe.",
        "latitude": "in_pair",
        "typical_tasks": [
            {"action": "Être présent·e aux temps d'accueil collectif", "frequency": "daily",
             "minutes_per_week": 300},
        ],
        "suits_kinds": [],
    },
    {
        "title": "Faire participer les personnes accompagnées",
        "description": (
            "Encourager les personnes accompagnées à donner leur avis et à prendre part aux "
            "décisions qui les concernent : conseils de vie sociale, groupes de parole, projets."
        ),
        "lived_experience": (
            "Son propre parcours montre que la parole des personnes compte ; il aide à oser "
            "prendre la parole et à la porter."
        ),
        "includes": "Animer ou co-animer des temps collectifs, recueillir les avis.",
        "excludes": "Parler au nom des personnes sans leur accord.",
        "latitude": "autonomous",
        "typical_tasks": [
            {"action": "Co-animer un groupe d'expression", "frequency": "monthly",
             "minutes_per_week": 60},
            {"action": "Préparer le conseil de vie sociale avec les personnes",
             "frequency": "monthly", "minutes_per_week": 45},
        ],
        "suits_kinds": ["chrs", "gem", "family_house", "act", "day_centre"],
    },
    {
        "title": "Sensibiliser et former les équipes",
        "description": (
            "Partager avec les équipes ce que le savoir expérientiel apporte, pour faire évoluer "
            "les pratiques : interventions en réunion, formations, analyse de situations."
        ),
        "lived_experience": (
            "Le vécu apporte un autre regard sur les situations et sur les effets des pratiques "
            "professionnelles."
        ),
        "includes": "Interventions en réunion d'équipe, co-animation de formations.",
        "excludes": "Raconter sa vie privée sans l'avoir choisi.",
        "latitude": "supervised",
        "typical_tasks": [
            {"action": "Intervenir en réunion d'équipe sur une question de pratique",
             "frequency": "monthly", "minutes_per_week": 30},
        ],
        "suits_kinds": [],
    },
    {
        "title": "Porter la voix des personnes (plaidoyer)",
        "description": (
            "Faire remonter aux décideurs et aux partenaires les difficultés vécues par les "
            "personnes accompagnées, et défendre des améliorations concrètes."
        ),
        "lived_experience": (
            "Le vécu donne de la légitimité pour témoigner des effets réels des politiques et "
            "des dispositifs."
        ),
        "includes": "Participation à des instances, groupes de travail, rencontres partenaires.",
        "excludes": "Représenter la structure sans mandat.",
        "latitude": "supervised",
        "typical_tasks": [
            {"action": "Participer à un groupe de travail partenarial", "frequency": "monthly",
             "minutes_per_week": 45},
        ],
        "suits_kinds": [],
    },
]


def add_starter_set(apps, schema_editor):
    ReferenceMission = apps.get_model("missions", "ReferenceMission")
    for position, data in enumerate(STARTER_SET):
        ReferenceMission.objects.get_or_create(
            title=data["title"], defaults={**data, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("missions", "0004_facilitation")]

    operations = [migrations.RunPython(add_starter_set, migrations.RunPython.noop)]
