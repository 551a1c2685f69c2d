from django.urls import path

from . import library_views, proposal_views

# Included by the project's URLconf in the "missions" namespace, beside the pages that edit
# missions and tasks on the role sheet (sheets/urls.py).
urlpatterns = [
    # proposals of adjustment
    path("roles/<uuid:role_id>/proposals/", proposal_views.proposal_list, name="proposals"),
    path(
        "roles/<uuid:role_id>/proposals/new-mission/",
        proposal_views.propose_mission_add,
        name="propose_mission_add",
    ),
    path(
        "missions/<int:mission_id>/propose-change/",
        proposal_views.propose_mission_change,
        name="propose_mission_change",
    ),
    path(
        "missions/<int:mission_id>/propose-removal/",
        proposal_views.propose_mission_removal,
        name="propose_mission_removal",
    ),
    path(
        "missions/<int:mission_id>/propose-task/",
        proposal_views.propose_task_add,
        name="propose_task_add",
    ),
    path(
        "tasks/<int:task_id>/propose-change/",
        proposal_views.propose_task_change,
        name="propose_task_change",
    ),
    path(
        "tasks/<int:task_id>/propose-removal/",
        proposal_views.propose_task_removal,
        name="propose_task_removal",
    ),
    path("proposals/<int:proposal_id>/", proposal_views.proposal_detail, name="proposal"),
    path(
        "proposals/<int:proposal_id>/comment/",
        proposal_views.proposal_comment,
        name="proposal_comment",
    ),
    path(
        "proposals/<int:proposal_id>/accept/",
        proposal_views.proposal_accept,
        name="proposal_accept",
    ),
    path(
        "proposals/<int:proposal_id>/decline/",
        proposal_views.proposal_decline,
        name="proposal_decline",
    ),
    path(
        "proposals/<int:proposal_id>/withdraw/",
        proposal_views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    # the library of reference missions
    path("roles/<uuid:role_id>/library/", library_views.library, name="library"),
    path(
        "roles/<uuid:role_id>/library/<int:reference_id>/add/",
        library_views.library_add,
        name="library_add",
    ),
    path(
        "roles/<uuid:role_id>/library/<int:reference_id>/propose/",
        library_views.library_propose,
        name="library_propose",
    ),
]
