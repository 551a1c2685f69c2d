from django.urls import path

from . import mission_views, review_views, version_views, views

# The role sheet's pages keep the URL names they had under roles/ ("roles:detail"…).
app_name = "roles"
urlpatterns = [
    path("<uuid:role_id>/", views.role_detail, name="detail"),
    path("<uuid:role_id>/sheet.pdf", views.role_pdf, name="pdf"),
    path("<uuid:role_id>/edit/", views.role_edit, name="edit"),
    path("<uuid:role_id>/delete/", views.role_delete_view, name="delete"),
    path("<uuid:role_id>/people/", views.role_people, name="people"),
    path(
        "<uuid:role_id>/people/<int:assignment_id>/remove/",
        views.role_unassign_view,
        name="unassign",
    ),
    # co-signed versions and the history of the role
    path("<uuid:role_id>/versions/", version_views.versions, name="versions"),
    path(
        "<uuid:role_id>/versions/request/",
        version_views.version_request,
        name="version_request",
    ),
    path(
        "<uuid:role_id>/versions/compare/",
        version_views.version_compare,
        name="version_compare",
    ),
    path("<uuid:role_id>/versions/<int:number>/", version_views.version, name="version"),
    path(
        "<uuid:role_id>/versions/<int:number>/sheet.pdf",
        version_views.version_pdf_view,
        name="version_pdf",
    ),
    path(
        "<uuid:role_id>/versions/<int:number>/answer/",
        version_views.version_answer,
        name="version_answer",
    ),
    path("<uuid:role_id>/history/", version_views.history, name="history"),
    path("<uuid:role_id>/review/", review_views.sheet_review, name="review"),
    path("<uuid:role_id>/review/early/", review_views.early_review, name="early_review"),
]

# Editing missions and tasks on the sheet: in the "missions" namespace (project URLconf).
mission_patterns = [
    path("roles/<uuid:role_id>/missions/new/", mission_views.mission_new, name="mission_new"),
    path("missions/<int:mission_id>/edit/", mission_views.mission_edit, name="mission_edit"),
    path("missions/<int:mission_id>/delete/", mission_views.mission_delete, name="mission_delete"),
    path("missions/<int:mission_id>/move/", mission_views.mission_move, name="mission_move"),
    path("missions/<int:mission_id>/tasks/new/", mission_views.task_new, name="task_new"),
    path("tasks/<int:task_id>/edit/", mission_views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/delete/", mission_views.task_delete, name="task_delete"),
    path("tasks/<int:task_id>/move/", mission_views.task_move, name="task_move"),
]
