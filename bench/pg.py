"""A throwaway PostgreSQL cluster for the bench, started the way scripts/test.sh starts one:
the server binaries of the machine, a temporary folder, a free port on 127.0.0.1, trust
authentication, durability off (a benchmark's data is thrown away). Run as root, the server
runs as the `postgres` system user.

    with Cluster() as cluster:
        os.environ["DATABASE_URL"] = cluster.url
"""

# ruff: noqa: S603, S607 - fixed commands (the PostgreSQL binaries), no outside input

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _version_key(path):
    name = Path(path).parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def find_server_binaries():
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(os.path.realpath(initdb)).parent
    for bin_dir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        if os.access(f"{bin_dir}/initdb", os.X_OK) and os.access(f"{bin_dir}/pg_ctl", os.X_OK):
            return Path(bin_dir)
    return None


class Cluster:
    def __init__(self, database="peerwork"):
        self.bin = find_server_binaries()
        if self.bin is None:
            raise SystemExit(
                "The bench needs the PostgreSQL server binaries (initdb, pg_ctl): "
                "apt-get install -y postgresql"
            )
        self.as_pg = []
        if os.geteuid() == 0:
            if subprocess.run(["id", "-u", "postgres"], capture_output=True).returncode:
                raise SystemExit("Running as root without a 'postgres' system user.")
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        self.database = database
        self.dir = None
        self.started = False
        self.port = None

    def _run(self, *args, timeout=120):
        return subprocess.run(
            [*self.as_pg, *map(str, args)],
            cwd=self.dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="peerwork-bench-pg.")
        if self.as_pg:
            shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self._run(
            self.bin / "initdb",
            "-D", f"{self.dir}/data", "--auth=trust", "-U", "postgres", "-E", "UTF8",
            "--no-instructions",
        )  # fmt: skip
        self.started = True
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB"
        )
        try:
            self._run(
                self.bin / "pg_ctl", "start", "-D", f"{self.dir}/data",
                "-l", f"{self.dir}/server.log", "-w", "-t", "60", "-o", options,
            )  # fmt: skip
        except subprocess.CalledProcessError:
            print(Path(self.dir, "server.log").read_text(errors="replace"))
            raise
        createdb = self.bin / "createdb"
        createdb = createdb if createdb.exists() else "createdb"
        self._run(createdb, "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", self.database)
        return self

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def stop(self):
        if self.started:
            stop = [self.bin / "pg_ctl", "stop", "-D", f"{self.dir}/data", "-m", "immediate", "-w"]
            subprocess.run(
                [*self.as_pg, *stop], cwd=self.dir, capture_output=True, timeout=60, check=False
            )
            self.started = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
