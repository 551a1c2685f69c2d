from django.urls import path

from . import views

app_name = "roles"
urlpatterns = [
    path("<uuid:role_id>/", views.role_detail, name="detail"),
    path("<uuid:role_id>/edit/", views.role_edit, name="edit"),
    path("<uuid:role_id>/delete/", views.role_delete_view, name="delete"),
    path("<uuid:role_id>/people/", views.role_people, name="people"),
    path(
        "<uuid:role_id>/people/<int:assignment_id>/remove/",
        views.role_unassign_view,
        name="unassign",
    ),
]
