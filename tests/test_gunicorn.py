"""gunicorn's production settings (peerwork/gunicorn_conf.py): sized by the environment, and no
worker holds more clients than it can serve at once."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return env | {
        "DJANGO_SETTINGS_MODULE": "peerwork.settings",
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "peerwork.example",
        **extra,
    }


def _printed_config(**extra):
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "python:peerwork.gunicorn_conf"],
        cwd=ROOT,
        env=_env(**extra),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    settings = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def test_the_environment_sizes_the_server_and_each_worker_takes_as_many_clients_as_threads():
    default = _printed_config()
    assert (default["workers"], default["threads"]) == ("4", "2")
    assert (default["worker_class"], default["worker_connections"]) == ("gthread", "2")
    sized = _printed_config(WEB_CONCURRENCY="6", GUNICORN_THREADS="3")
    assert (sized["workers"], sized["threads"], sized["worker_connections"]) == ("6", "3", "3")
    assert sized["wsgi_app"] == "peerwork.wsgi:application"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_server_closes_each_connection_after_its_answer():
    """A kept-alive connection would stay with its worker, busy or not."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:peerwork.gunicorn_conf"]
    with subprocess.Popen(  # noqa: S603 - our own command
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=_env(WEB_CONCURRENCY="1", GUNICORN_THREADS="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as server:
        try:
            response = _get_when_up(server, port)
        finally:
            server.terminate()
            server.wait(timeout=30)
    # HTTP/1.1 asked to keep the connection; the production settings redirect to HTTPS
    # without touching the database.
    assert response.status == 301
    assert response.getheader("Connection") == "close"
    assert response.will_close


def _get_when_up(server, port):
    deadline = time.monotonic() + 30
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/", headers={"Host": "peerwork.example"})
            response = connection.getresponse()
            response.read()
            return response
        except ConnectionRefusedError:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        finally:
            connection.close()
