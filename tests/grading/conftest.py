"""A real PostgreSQL server for the gradebook tests, started once per test session.

PostgreSQL refuses to run as root (these machines and CI run as root): as root,
the server runs as the ``postgres`` system account (``runuser``), its data
folder a temporary directory owned by it; otherwise as the current user. It
listens on a free localhost port with ``trust`` authentication, and is stopped
(and its folder removed) at the end of the session.

The server binaries are Debian's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``,
or ``CONVLAB_PG_BINDIR``). Without them the tests are skipped on a developer's
machine and FAIL under CI (``CI`` set): `.ci/run` installs ``postgresql-15``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PG_BINDIR = Path(os.environ.get("CONVLAB_PG_BINDIR", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, folder: Path, port: int, as_user: list[str]):
        self.folder, self.port, self._as_user = folder, port, as_user
        self._names = itertools.count()

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [*self._as_user, str(PG_BINDIR / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.folder,
        )
        if proc.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}"
                + (log.read_text()[-3000:] if log.exists() else "")
            )
        return proc

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "gradebook") -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"{prefix}_{next(self._names)}"
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return self.url(name)


@pytest.fixture(scope="session")
def postgres():
    """A running PostgreSQL 15 server (:class:`PostgresServer`), stopped at the end."""
    if not (PG_BINDIR / "pg_ctl").exists():
        message = (
            f"PostgreSQL server binaries not found in {PG_BINDIR} "
            "(apt-get install postgresql-15, or set CONVLAB_PG_BINDIR)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="convlab-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PostgresServer(folder, _free_port(), as_user)
    data = folder / "data"
    server.run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "-N")
    options = (
        f"-p {server.port} -c listen_addresses=127.0.0.1 -k {folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    server.run(
        "pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"
    )
    try:
        yield server
    finally:
        try:
            server.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
