from django.urls import path

from . import views

# Included by the project's URLconf in the "structures" namespace, beside pages of the floors
# above: the structure page (www), the new-role form and the removal of a member (roles).
urlpatterns = [
    path("<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
]
