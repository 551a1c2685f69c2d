from django.urls import path

from . import trend_views, views

app_name = "checkins"
urlpatterns = [
    path("roles/<uuid:role_id>/check-in/", views.checkin_form, name="form"),
    path("roles/<uuid:role_id>/check-ins/", views.checkin_list, name="list"),
    path("structures/<slug:slug>/check-ins/cadence/", views.cadence_edit, name="cadence"),
    path(
        "roles/<uuid:role_id>/check-ins/trend-<slug:kind>.svg",
        trend_views.role_trend,
        name="role_trend",
    ),
    path(
        "structures/<slug:slug>/check-ins/trend-<slug:kind>.svg",
        trend_views.structure_trend,
        name="structure_trend",
    ),
]
