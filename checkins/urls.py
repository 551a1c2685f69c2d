from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    path("roles/<uuid:role_id>/check-in/", views.checkin_form, name="form"),
    path("roles/<uuid:role_id>/check-ins/", views.checkin_list, name="list"),
    path("structures/<slug:slug>/check-ins/cadence/", views.cadence_edit, name="cadence"),
]
