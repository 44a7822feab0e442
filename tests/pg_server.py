"""A throwaway PostgreSQL server of a test's own, to stop and start again.

Debian's ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/*/bin``) run as the user ``postgres``
(``su postgres -c``) on a free local port, in a temporary folder owned by ``postgres``. Over
TCP the user ``postgres`` signs in with the password :data:`PASSWORD` (so a wrong one can be
tried); over the socket without one. Skipped when the binaries or the user are missing (or when not root, which
``su`` needs); in CI a skip fails (see conftest.py).
"""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

PASSWORD = "hemmelig-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One PostgreSQL cluster: :meth:`stop` and :meth:`start` it; :attr:`url` is its ``postgres`` database."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            pytest.skip("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("no user postgres to run a PostgreSQL server as")
        if os.geteuid() != 0:
            pytest.skip("starting a PostgreSQL server as postgres needs root (su)")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="amo-pg-"))
        os.chown(self.dir, user.pw_uid, user.pw_gid)
        self.data = self.dir / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres:{PASSWORD}@127.0.0.1:{self.port}/postgres"
        password = self.dir / "password"
        password.write_text(PASSWORD)
        os.chown(password, user.pw_uid, user.pw_gid)
        self._run(f"{self.bin / 'initdb'} -D {self.data} -U postgres --pwfile={password} --auth-local=trust "
                  "--auth-host=scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8")
        self.start()

    def fresh_url(self) -> str:
        """A new, empty database on this server: its URL."""
        import uuid

        import sqlalchemy as sa

        name = f"amo_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        return sa.engine.make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def _run(self, command: str) -> None:
        proc = subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], capture_output=True, text=True,
                              timeout=120)
        if proc.returncode:
            raise RuntimeError(f"{command}: {proc.stdout}{proc.stderr}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(f"{self.bin / 'pg_ctl'} -D {self.data} -l {self.dir / 'log'} -o {shlex.quote(options)} -w start")

    def stop(self) -> None:
        self._run(f"{self.bin / 'pg_ctl'} -D {self.data} -m fast -w stop")

    def close(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_server():
    server = Server()
    try:
        yield server
    finally:
        server.close()
