"""gunicorn's settings for production: `gunicorn -c python:peerwork.gunicorn_conf peerwork.wsgi`.

WEB_CONCURRENCY (workers, 4) and GUNICORN_THREADS (threads per worker, 2) size it: about two
workers per core, since the threads of one worker wait on Python's lock.
"""

import os

wsgi_app = "peerwork.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A worker takes no more connections than it has threads and closes each after its answer, so a
# busy worker never holds a client that an idle one could serve. Kept-alive connections stay
# with the worker that accepted them: on the bench, four clients could wait on one worker while
# another sat idle (p95 up to 106 ms; 52-77 ms balanced). Behind the reverse proxy each request
# is a connection of its own anyway (nginx's default towards its upstreams).
worker_connections = threads
keepalive = 0
# Under it, DATABASE_STATEMENT_TIMEOUT (25 s) answers "try again" before the worker is killed.
timeout = 30
graceful_timeout = 20
