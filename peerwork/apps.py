from django.apps import AppConfig


class PeerworkConfig(AppConfig):
    """The project's own app: connects the security log and the login throttle to the
    signals of Django's authentication and of django-axes (listed after "axes", so that axes
    has counted a failure when these receivers run)."""

    name = "peerwork"
    verbose_name = "peerwork"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from core import security_log

        from . import checks, login_throttle, middleware  # noqa: F401 - checks

        user_logged_in.connect(security_log.on_login, dispatch_uid="peerwork.security.login")
        user_logged_in.connect(middleware.start_session_clock, dispatch_uid="peerwork.session")
        user_logged_out.connect(security_log.on_logout, dispatch_uid="peerwork.security.logout")
        user_login_failed.connect(
            security_log.on_login_failed, dispatch_uid="peerwork.security.failed"
        )
        user_login_failed.connect(login_throttle.slow_down, dispatch_uid="peerwork.slow_down")
        user_locked_out.connect(security_log.on_locked_out, dispatch_uid="peerwork.security.lock")
