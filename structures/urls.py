from django.urls import path

from . import views

# Included by the project's URLconf in the "structures" namespace, beside the structure page
# (www) and the new-role form (roles), which belong to the floors above.
urlpatterns = [
    path("<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path(
        "<slug:slug>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
]
