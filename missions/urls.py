from django.urls import path

from . import views

app_name = "missions"
urlpatterns = [
    path("roles/<uuid:role_id>/missions/new/", views.mission_new, name="mission_new"),
    path("missions/<int:mission_id>/edit/", views.mission_edit, name="mission_edit"),
    path("missions/<int:mission_id>/delete/", views.mission_delete, name="mission_delete"),
    path("missions/<int:mission_id>/move/", views.mission_move, name="mission_move"),
    path("missions/<int:mission_id>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:task_id>/move/", views.task_move, name="task_move"),
]
