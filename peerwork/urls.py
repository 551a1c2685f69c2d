from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from facilitation import portfolio_views
from missions import urls as mission_urls
from outbox.forms import PasswordResetForm
from peerwork import views as peerwork_views
from peerwork.health import healthz
from sheets import urls as sheet_urls
from sheets import views as role_views
from structures import urls as structure_urls
from structures import views as structure_views
from structures.forms import EmailAuthenticationForm
from structures.i18n import set_language
from www import account_views
from www import views as www_views
from www.waiting import waiting

# A structure's pages come from three floors; they share the "structures" namespace.
structure_pages = (
    [
        path("<slug:slug>/", www_views.structure_detail, name="detail"),
        path("<slug:slug>/roles/new/", role_views.role_new, name="role_new"),
        path(
            "<slug:slug>/members/<int:membership_id>/deactivate/",
            role_views.member_deactivate,
            name="member_deactivate",
        ),
        *structure_urls.urlpatterns,
    ],
    "structures",
)

admin.site.site_header = "peerwork"
handler403 = "peerwork.views.permission_denied"

urlpatterns = [
    path("", www_views.home, name="home"),
    path("waiting/", waiting, name="waiting"),
    path("account/", account_views.account, name="account"),
    path("account/data.json", account_views.account_data_download, name="account_data"),
    path("account/tokens/new/", account_views.token_new, name="token_new"),
    path("account/e-mails/", account_views.mail_preference, name="mail_preference"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account_views.token_revoke_view,
        name="token_revoke",
    ),
    # Public: the privacy page (linked from the login page) and the health check.
    path("privacy/", account_views.privacy, name="privacy"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", peerwork_views.favicon, name="favicon"),
    path("portfolio/", portfolio_views.portfolio, name="portfolio"),
    path("platform/overview/", portfolio_views.platform_overview, name="platform_overview"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A trivial page for logged-in people: the baseline of `make bench` (bench/bench_load.py).
    path("accounts/ping/", TemplateView.as_view(template_name="ping.html"), name="ping"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Anyone, logged in or not, may choose the language of the interface.
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "invitations/<str:token>/",
        structure_views.invitation_detail,
        name="invitation_accept",
    ),
    path("structures/", include(structure_pages)),
    path("structures/", include("facilitation.urls")),
    path("roles/", include("sheets.urls")),
    path("", include(([*sheet_urls.mission_patterns, *mission_urls.urlpatterns], "missions"))),
    path("", include("checkins.urls")),
    path("documents/", include("documents.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
]
