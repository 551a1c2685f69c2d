"""The production settings (peerwork.settings, DEBUG off) for bench/bench_load.py, with one
change that does not touch what is measured (HTML pages): the static files are collected into
a temporary folder of the bench ($BENCH_STATIC_ROOT), with hashed names (manifest) but without
WhiteNoise's gzip/brotli copies, which take about 40 s to make on 2 cores (WhiteNoise still
serves them).
"""

import os

from peerwork.settings import *  # noqa: F403
from peerwork.settings import STORAGES

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
