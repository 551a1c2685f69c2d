from django.urls import path

from . import views

app_name = "structures"
urlpatterns = [
    path("<slug:slug>/", views.structure_detail, name="detail"),
    path("<slug:slug>/roles/new/", views.role_new, name="role_new"),
    path("<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path(
        "<slug:slug>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
]
