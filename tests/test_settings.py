"""Production settings pass Django's deployment checks; a missing secret stops start-up."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    return _python("manage.py", *args, **env)


def _python(*args, **env):
    """Python run in the repository with production settings and `env`."""
    test_only = {"DEBUG", "SECRET_KEY", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in test_only}
    base["DJANGO_SETTINGS_MODULE"] = "peerwork.settings"
    return subprocess.run(  # noqa: S603 - our own code
        [sys.executable, *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="peerwork.example",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    # What gunicorn does first: load the WSGI application.
    served = _python("-c", "import peerwork.wsgi", ALLOWED_HOSTS="peerwork.example")
    assert served.returncode != 0
    assert "Set SECRET_KEY" in served.stderr
    checked = _manage("check", "--deploy", ALLOWED_HOSTS="peerwork.example")
    assert checked.returncode != 0
    assert "peerwork.E001" in checked.stderr
    assert "SECRET_KEY" in checked.stderr


def test_the_server_starts_with_a_secret_key():
    served = _python(
        "-c",
        "import peerwork.wsgi",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="peerwork.example",
    )
    assert served.returncode == 0, served.stderr


def test_commands_that_need_no_secret_run_without_one():
    """A fresh clone checks its migrations with no configuration at all."""
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def _database_options(**env):
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))"
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DATABASE_URL="postgres://peerwork@db.example:5432/peerwork",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_queries_are_prepared_unless_a_pooler_forbids_it():
    # The time-outs (tests/test_db_trouble.py) sit in the same options.
    options = ast.literal_eval(_database_options())
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)
    off = ast.literal_eval(_database_options(DATABASE_PREPARE_THRESHOLD="off")) or {}
    assert "server_side_binding" not in off
    assert "prepare_threshold" not in off
