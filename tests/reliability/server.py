"""A real gunicorn (2 workers) on 127.0.0.1, port chosen by the system, and a small HTTP client for it."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess  # nosec B404 - tests start our own gunicorn
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Server:
    process: subprocess.Popen
    log_path: Path
    port: int = 0
    worker_pids: list[int] = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def current_workers(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self.log())]


def start_gunicorn(database_url: str, tmp_path: Path, workers: int = 2, threads: int = 4) -> Server:
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "reliability-test-secret-key-0123456789abcdef",
        "CLAS_ENV": "development",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "OUTBOX_FOLDER": str(tmp_path / "outbox"),
        "RATELIMIT_STORAGE_URI": "",
        "MAIL_SERVER": "",
    }
    command = [GUNICORN, "--workers", str(workers), "--threads", str(threads), "--bind", "127.0.0.1:0",
               "--graceful-timeout", "2", "--timeout", "60", "--log-level", "info", "--chdir", str(ROOT),
               "clas_local:create_app()"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,  # nosec B603
                                   start_new_session=True)
    server = Server(process, log_path)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        text = server.log()
        port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
        if port and len(server.current_workers()) >= workers:
            server.port = int(port.group(1))
            server.worker_pids = server.current_workers()
            return server
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{text}")
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn did not start in time:\n{server.log()}")


class Browser:
    """Cookies and CSRF token of one logged-in person, shared by threads (each request opens its connection)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None,
                timeout: float = 60, keep_cookies: bool = False):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
            body = None
            if form is not None:
                body = urlencode(form)
                all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            if keep_cookies:
                self._keep_cookies(response.getheaders())
            return response.status, dict(response.getheaders()), data
        finally:
            connection.close()

    def _keep_cookies(self, headers_list) -> None:
        for name, value in headers_list:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]

    def login(self, email: str, password: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", "/login")
        response = connection.getresponse()
        page = response.read().decode()
        self._keep_cookies(response.getheaders())
        connection.close()
        token = CSRF_META.search(page).group(1)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(
            "POST", "/login", body=urlencode({"email": email, "password": password, "csrf_token": token}),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 303, f"login failed: {response.status}"
        self._keep_cookies(response.getheaders())
        connection.close()
        status, _headers, body = self.request("GET", "/donnees-personnelles", keep_cookies=True)
        self.csrf = CSRF_META.search(body.decode()).group(1)

    def post(self, path: str, form: dict):
        return self.request("POST", path, {**form, "csrf_token": self.csrf})
