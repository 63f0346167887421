"""Throwaway PostgreSQL servers for tests, from Debian's packages, on 127.0.0.1 only: a private cluster (to stop and
start, or to stream to a replica), a streaming replica of it (pg_basebackup), and PgBouncer in transaction mode in
front of any server. No Django here: ``python -m project.tests.clusters pgbouncer -- COMMAND`` runs a command with
DATABASE_URL pointed through a PgBouncer (the pooled part of `make test`)."""

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PGBOUNCER = Path("/usr/sbin/pgbouncer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*args, check=True, timeout=120):
    """PostgreSQL and PgBouncer refuse to run as root: their tools run as the postgres user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=check, capture_output=True, text=True, timeout=timeout)  # noqa: S603


def _own_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")
    return path


def _wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


class Cluster:
    """A PostgreSQL 15 server of its own: a data directory under a temporary directory, a free port."""

    def __init__(self, home: Path, data: Path, port: int):
        self.home, self.data, self.port = home, data, port

    @classmethod
    def create(cls) -> "Cluster":
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(f"{PG_BIN}/initdb is missing: PostgreSQL 15's server binaries are needed")
        home = _own_dir("cootrack-pg-")
        cluster = cls(home, home / "db", free_port())
        as_postgres(str(PG_BIN / "initdb"), "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return cluster

    def replica(self) -> "Cluster":
        """A streaming standby of this (running) server: a base backup with standby.signal and the primary's
        address written by pg_basebackup -R; start it like any cluster."""
        home = _own_dir("cootrack-replica-")
        replica = Cluster(home, home / "db", free_port())
        as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-D", str(replica.data), "-R", "-X", "stream", "--no-sync", "-c", "fast",
        )  # fmt: skip
        return replica

    def url(self, database: str = "cootrack") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args, check=True):
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica"
        return as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.home / "log"), *args,
            check=check,
        )  # fmt: skip

    def start(self) -> None:
        self.pg_ctl("-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop")

    def remove(self) -> None:
        self.pg_ctl("-m", "immediate", "stop", check=False)
        shutil.rmtree(self.home, ignore_errors=True)

    def log(self) -> str:
        path = self.home / "log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def pgbouncer(server_port: int = 5432, *, pool_size: int = 20, max_clients: int = 400) -> Iterator[int]:
    """PgBouncer in transaction mode on a free port of 127.0.0.1, for every database of the server at
    ``server_port``, as Debian installs it (only the settings a deployment must choose); yields its port."""
    if not PGBOUNCER.exists():
        raise RuntimeError(f"{PGBOUNCER} is missing: apt-get install -y pgbouncer")
    home, port = _own_dir("cootrack-pgbouncer-"), free_port()
    (home / "userlist.txt").write_text('"postgres" ""\n')
    (home / "pgbouncer.ini").write_text(
        f"""[databases]
* = host=127.0.0.1 port={server_port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {home}/userlist.txt
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = {max_clients}
logfile = {home}/pgbouncer.log
pidfile = {home}/pgbouncer.pid
"""
    )
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    proc = subprocess.Popen([*prefix, str(PGBOUNCER), str(home / "pgbouncer.ini")], stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait_for_port(port, 15)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        shutil.rmtree(home, ignore_errors=True)


def through(url: str, port: int) -> str:
    """``url`` with its server replaced by 127.0.0.1:``port`` (the pooler)."""
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["pgbouncer"])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cootrack")
    server_port = urlsplit(url).port or 5432
    with pgbouncer(server_port) as port:
        env = {**os.environ, "DATABASE_URL": through(url, port), "DATABASE_POOLED": "1"}
        sys.exit(subprocess.run(command, env=env, check=False).returncode)  # noqa: S603


if __name__ == "__main__":
    main()
