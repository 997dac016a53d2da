"""A real IMAP server for the calendar-reply tests: Dovecot, started from a config written
under a temporary folder, listening on a free loopback port.

Dovecot (Debian `dovecot-imapd`) is installed by .ci/run; without it these tests skip,
unless REQUIRE_IMAP=1 (CI) turns the skip into a failure. One server serves the session;
each test logs in as its own user (the static passdb takes any name), so each has its
own empty mailbox.
"""

from __future__ import annotations

import grp
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from imapclient import IMAPClient

from tests.invitations.conftest import invited  # noqa: F401 - the meeting with invitees

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
PASSWORD = "mot-de-passe-de-test"
_users = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(root: Path, mail_root: Path, port: int, uid: int, gid: int, login_user: str) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {pwd.getpwuid(os.getuid()).pw_name}
default_internal_group = {grp.getgrgid(os.getgid()).gr_name}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{mail_root}/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={mail_root}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _require_dovecot() -> None:
    if DOVECOT is None:
        message = "Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)."
        if os.environ.get("REQUIRE_IMAP") == "1":
            pytest.fail("REQUIRE_IMAP=1: " + message, pytrace=False)
        pytest.skip(message + " REQUIRE_IMAP=1 turns this skip into a failure.")


@pytest.fixture(scope="session")
def dovecot():
    """A running Dovecot on 127.0.0.1; yields its host and port."""
    _require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="clas-dovecot-"))
    os.chmod(root, 0o755)
    mail_root = root / "mail"
    mail_root.mkdir()
    if os.getuid() == 0:
        # Dovecot never opens mail as root, nor runs its login process as root.
        nobody = pwd.getpwnam("nobody")
        uid, gid, login_user = nobody.pw_uid, nobody.pw_gid, "dovenull" if _user_exists("dovenull") else "nobody"
        os.chown(mail_root, uid, gid)
    else:
        uid, gid, login_user = os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, mail_root, port, uid, gid, login_user), encoding="utf-8")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    if probe.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                output = process.stdout.read().decode() if process.poll() is not None else ""
                pytest.fail(f"Dovecot did not start:\n{output}\n{log}", pytrace=False)
            time.sleep(0.1)
        yield SimpleNamespace(host="127.0.0.1", port=port, root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class Mailbox(SimpleNamespace):
    """One test's mailbox: deliver (IMAP APPEND) and look at its folders."""

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    def subjects(self, folder: str) -> list[str]:
        """The Subject of each message in the folder ([] when the folder does not exist)."""
        from email import message_from_bytes, policy

        client = self.client()
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            fetched = client.fetch(uids, ["BODY.PEEK[HEADER]"]) if uids else {}
            return sorted(
                str(message_from_bytes(data[b"BODY[HEADER]"], policy=policy.default)["Subject"])
                for data in fetched.values()
            )
        finally:
            client.logout()


@pytest.fixture
def mailbox(app, dovecot):
    """The app configured to read its own Dovecot mailbox for calendar replies."""
    user = f"reponses{next(_users)}"
    app.config.update(
        IMAP_SERVER=dovecot.host,
        IMAP_PORT=dovecot.port,
        IMAP_SECURITY="none",
        IMAP_USERNAME=user,
        IMAP_PASSWORD=PASSWORD,
        IMAP_FOLDER="INBOX",
        IMAP_TIMEOUT=10,
        MAIL_REPLY_ADDRESS="reponses+{token}@mairie.example.fr",
    )
    return Mailbox(host=dovecot.host, port=dovecot.port, user=user)
