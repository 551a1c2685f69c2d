"""A structure's reviews and their recommendations in its JSON document (assembled by
www.transfer)."""

from core.transfer import dt, parse_day, parse_dt

from .models import Recommendation, Review


def export_rows(structure, refs):
    """The reviews of `structure`; people by user id, roles and missions by reference."""
    add = refs.people.add
    reviews = (
        Review.objects.filter(structure=structure)
        .order_by("reviewed_on", "created_at", "id")
        .prefetch_related("recommendations")
    )
    return [
        {
            "author": add(review.author_id),
            "reviewed_on": dt(review.reviewed_on),
            "notes": review.notes,
            "created_at": dt(review.created_at),
            "recommendations": [
                {
                    "text": rec.text,
                    "role": refs.roles.refs.get(rec.role_id),
                    "mission": refs.missions.refs.get(rec.mission_id),
                    "status": rec.status,
                    "answer": rec.answer,
                    "followed_up_by": add(rec.followed_up_by_id),
                    "followed_up_at": dt(rec.followed_up_at),
                    "position": rec.position,
                }
                for rec in sorted(review.recommendations.all(), key=lambda r: (r.position, r.pk))
            ],
        }
        for review in reviews
    ]


def import_rows(structure, reviews, ids):
    """Create the reviews of the document (after its roles and missions)."""
    for rv in reviews:
        review = Review.objects.create(
            structure=structure,
            author=ids.person(rv["author"]),
            reviewed_on=parse_day(rv["reviewed_on"]),
            notes=rv["notes"],
            created_at=parse_dt(rv["created_at"]),
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                review=review,
                text=rec["text"],
                role=ids.roles.get(rec["role"]),
                mission=ids.missions.get(rec["mission"]),
                status=rec["status"],
                answer=rec["answer"],
                followed_up_by=ids.person(rec["followed_up_by"]),
                followed_up_at=parse_dt(rec["followed_up_at"]),
                position=rec["position"],
            )
            for rec in rv["recommendations"]
        )
