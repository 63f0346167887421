"""A real IMAP server for tests: a private Dovecot (Debian's dovecot-imapd, installed by .ci/run) on 127.0.0.1,
with one mailbox whose messages are files: a file written into its Maildir/new/ is a delivered message."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from project.tests.gunicorn_server import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "support", "imap-test-password"
# Dovecot refuses root as a mail user: the mailbox belongs to a system account.
SYSTEM_USER = "nobody"

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = {system_user}
default_internal_user = {system_user}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  chroot =
}}
"""


class Dovecot:
    def __init__(self):
        if not Path(DOVECOT).exists():
            raise RuntimeError("Dovecot is not installed: apt-get install -y dovecot-imapd (.ci/run does).")
        account = pwd.getpwnam(SYSTEM_USER)
        self.uid, self.gid = account.pw_uid, account.pw_gid
        self.base = Path(tempfile.mkdtemp(prefix="cootrack-dovecot-"))
        self.home = self.base / "home"
        self.maildir = self.home / "Maildir"
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        (self.base / "run").mkdir()
        (self.base / "state").mkdir()
        self.port = free_port()
        config = CONFIG.format(base=self.base, port=self.port, system_user=SYSTEM_USER)
        (self.base / "dovecot.conf").write_text(config)
        (self.base / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{self.uid}:{self.gid}::{self.home}\n")
        os.chmod(self.base, 0o755)  # noqa: S103  (the mail user must reach its home inside)
        for path in [self.home, *self.home.rglob("*")]:
            os.chown(path, self.uid, self.gid)
        with (self.base / "stderr.log").open("wb") as stderr:
            self.process = subprocess.Popen(  # noqa: S603
                [DOVECOT, "-F", "-c", str(self.base / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=stderr
            )
        self._wait()

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def deliver(self, raw: bytes) -> Path:
        """Put one message in the mailbox, as the mail server's delivery would (unseen)."""
        name = f"{time.time():.6f}.{uuid.uuid4().hex}.cootrack"
        tmp, new = self.maildir / "tmp" / name, self.maildir / "new" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.uid, self.gid)
        tmp.rename(new)
        return new

    def seen_count(self) -> int:
        """Messages Dovecot has marked seen (moved to cur/ with the S flag)."""
        return sum(1 for f in (self.maildir / "cur").iterdir() if "S" in f.name.rsplit(":2,", 1)[-1])

    def _wait(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = (self.base / "stderr.log").read_text()[-2000:]
                raise RuntimeError(f"Dovecot exited: {stderr} {self._log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"Dovecot did not answer on 127.0.0.1:{self.port}: {self._log()}")

    def _log(self) -> str:
        log = self.base / "dovecot.log"
        return log.read_text()[-2000:] if log.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.base, ignore_errors=True)
