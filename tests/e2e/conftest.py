"""Real-browser journeys: a live server, a loopback SMTP server and the system's Chromium.

- The app runs on a fresh SQLite file migrated by Alembic, seeded by the real `clas demo`
  command, served by werkzeug in a thread on 127.0.0.1 and a port the system picks.
- MAIL_SERVER points to an aiosmtpd server on loopback: e-mailed links (password links,
  answer links) are read from the messages it received, as a person would click them.
- Chromium is the distribution's /usr/bin/chromium (CHROMIUM_PATH overrides it); it is
  never downloaded. Without it the tests skip with the reason, unless REQUIRE_E2E=1 (CI),
  where a missing browser fails the run.
- Every page a journey reaches goes through `audit.check(page)`: axe-core with all its rules
  (every impact fails the run) at 1280, 375 and 320 CSS px wide, no sideways scrolling at
  320 px (WCAG 1.4.10), no text cut off under the text spacing of WCAG 1.4.12, one h1, a
  meaningful title, lang="fr", a working skip link; console errors and CSP violations are
  collected on every page. The terminal summary lists pages checked and violations by impact.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from werkzeug.serving import make_server

from clas_local import create_app
from clas_local.config import TestConfig
from clas_local.demo.directory import EXPORT
from clas_local.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# `make screenshots` sets this: the journeys then save PNGs of the main pages there.
SCREENSHOTS_DIR = os.environ.get("SCREENSHOTS_DIR", "")


def schools_file() -> Path:
    """The national-directory export the demo imports (clas_local/demo/data/README.md)."""
    return EXPORT


# -- SMTP on loopback -------------------------------------------------------------------------


class _Handler:
    def __init__(self):
        self.received: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Mailbox:
    handler: _Handler
    port: int

    def wait_for(self, recipient: str, subject_part: str = "", timeout: float = 10.0) -> EmailMessage:
        """The newest message to `recipient` (whose subject holds `subject_part`), waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.handler.received):
                if recipient in message["X-Envelope-To"] and subject_part in str(message["Subject"]):
                    return message
            time.sleep(0.1)
        subjects = [(m["X-Envelope-To"], str(m["Subject"])) for m in self.handler.received[-10:]]
        raise AssertionError(f"no message to {recipient} ({subject_part!r}) within {timeout}s; last: {subjects}")

    def link(self, recipient: str, path_part: str, subject_part: str = "") -> str:
        message = self.wait_for(recipient, subject_part)
        text = message.get_body(preferencelist=("plain",)).get_content()
        match = re.search(r"https?://\S*" + re.escape(path_part) + r"\S*", text)
        assert match, f"no {path_part} link in the message to {recipient}:\n{text}"
        return match.group(0).rstrip(".,)»")


@pytest.fixture(scope="session")
def mailbox():
    handler = _Handler()
    controller = _LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield Mailbox(handler, controller.port)
    finally:
        controller.stop()


# -- the live server ----------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: object
    mailbox: Mailbox

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, mailbox):
    tmp = tmp_path_factory.mktemp("e2e")
    overrides = dict(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'clas.sqlite'}",
        UPLOAD_FOLDER=str(tmp / "uploads"),
        OUTBOX_FOLDER=str(tmp / "outbox"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=mailbox.port,
        MAIL_TIMEOUT=5,
        TESTING=False,
        BASE_URL="http://127.0.0.1",  # set to the real address below, once the port is known
    )
    app = create_app(type("LiveServerConfig", (TestConfig,), overrides))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns failures
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    # Seed through the real command, as `make run` does.
    result = app.test_cli_runner().invoke(args=["clas", "demo"])
    assert result.exit_code == 0, result.output
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url, app, mailbox)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


# -- the browser ------------------------------------------------------------------------------------


def _browser_unavailable(reason: str):
    message = (
        f"{reason}. The browser journeys need the distribution's Chromium at {CHROMIUM} "
        "(apt-get install chromium, or set CHROMIUM_PATH); it is never downloaded. REQUIRE_E2E=1 (as in CI) turns this skip into a failure."
    )
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail("REQUIRE_E2E=1: " + message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _browser_unavailable("Playwright for Python is not installed")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _browser_unavailable(f"No Chromium executable at {CHROMIUM}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            _browser_unavailable(f"Chromium at {CHROMIUM} did not start ({exc.message.splitlines()[0]})")
        yield browser
        browser.close()


# -- page checks ---------------------------------------------------------------------------------------

EXPECTED_REFUSAL = re.compile(r"^Failed to load resource: the server responded with a status of 422 ")
IMPACT_ORDER = ("critical", "serious", "moderate", "minor")
# Every page is audited at these widths (CSS px): a laptop, a phone, and WCAG 1.4.10's 320 px.
AUDIT_WIDTHS = (1280, 375, 320)
AUDIT_HEIGHT = 800

# WCAG 1.4.12's bookmarklet values: content must survive them without loss.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }
"""

# Horizontal scrolling of the whole page (a data table scrolling inside itself is allowed).
PAGE_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (el.parentElement && el.parentElement.closest('table')) continue;  // a table scrolls inside itself
    if (el.closest('.skip-link')) continue;
    const text = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && box.left + el.scrollWidth > width + 1;
    if (box.right > width + 1 || text) over.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' (' + Math.round(box.right) + 'px)');
  }
  return {scroll: document.documentElement.scrollWidth, width, over: over.slice(0, 5)};
}"""

# Text clipped by a box that hides its overflow (what text spacing most often breaks).
CLIPPED_TEXT = """() => {
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.visually-hidden, .skip-link, table')) continue;
    const style = getComputedStyle(el);
    const hides = ['hidden', 'clip'];
    if (!hides.includes(style.overflowX) && !hides.includes(style.overflowY)) continue;
    if (!el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      clipped.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
    }
  }
  return clipped.slice(0, 5);
}"""

PAGE_FACTS = """() => {
  const skip = document.querySelector('a.skip-link');
  const target = skip && document.querySelector(skip.getAttribute('href'));
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: Array.from(document.querySelectorAll('h1')).map(h => h.textContent.trim()),
    skipFirst: skip !== null && document.querySelector('body a, body button, body input, body select, body textarea') === skip,
    skipTarget: target !== null,
    colourOnly: Array.from(document.querySelectorAll('.badge')).filter(b => !b.textContent.trim()).length,
  };
}"""


@dataclass
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self):
        return f"[{self.impact}] {self.page}: {self.rule} – {self.help} ({', '.join(self.targets[:3])})"


@dataclass
class Audit:
    """What every visited page is checked for; the findings, kept for the end-of-run summary."""

    pages: dict[str, int] = field(default_factory=dict)  # label -> times checked
    violations: list[Violation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # title, h1, lang, skip link…
    console: list[str] = field(default_factory=list)
    keyboard_flows: list[str] = field(default_factory=list)
    _axe: object = None

    def watch(self, page) -> None:
        """Collect console errors (CSP violations are among them) and uncaught exceptions."""

        def on_console(message):
            # A form refused with 422 is the expected answer of an HTMX submission (its
            # errors are swapped in place); Chromium still logs it as a failed load. So is
            # an error page's own status (404, 403), logged against the page's address.
            if message.type != "error" or EXPECTED_REFUSAL.search(message.text):
                return
            if message.text.startswith("Failed to load resource") and (message.location or {}).get("url") == page.url:
                return
            self.console.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.console.append(f"{page.url}: uncaught {error}\n{error.stack}"))

    def check(self, page, label: str, *, context: str | None = None) -> None:
        """axe-core and the page's structure; `context` limits axe to a fragment after an HTMX swap."""
        if self._axe is None:
            from axe_playwright_python.sync_playwright import Axe

            self._axe = Axe()
        seen = label in self.pages
        self.pages[label] = self.pages.get(label, 0) + 1
        if seen:  # the same page again (the login page of each role…): checked once is enough
            return
        page.wait_for_load_state("load")
        facts = page.evaluate(PAGE_FACTS)
        where = f"{label} ({page.url})"
        if facts["lang"] != "fr":
            self.problems.append(f"{where}: <html lang> is {facts['lang']!r}, not 'fr'")
        title = facts["title"].strip()
        if not title or title == "Clas Local" or not title.endswith("Clas Local"):
            self.problems.append(f"{where}: title {title!r} does not say what the page is")
        if len(facts["h1"]) != 1 or not facts["h1"][0]:
            self.problems.append(f"{where}: {len(facts['h1'])} h1 ({facts['h1']})")
        if not (facts["skipFirst"] and facts["skipTarget"]):
            self.problems.append(f"{where}: no skip link first in the page pointing at the content")
        if facts["colourOnly"]:
            self.problems.append(f"{where}: {facts['colourOnly']} badge(s) without text (colour alone)")
        # axe-core is injected once per document (an HTMX swap keeps it), then run with all
        # its rules at each width; the page gets its own size back afterwards.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(self._axe.axe_script)
        original = page.viewport_size
        try:
            for width in AUDIT_WIDTHS:
                page.set_viewport_size({"width": width, "height": AUDIT_HEIGHT})
                response = page.evaluate(
                    "([context, options]) => axe.run(context || document, options)",
                    [context, {"resultTypes": ["violations"]}],
                )
                for item in response["violations"]:
                    targets = [" ".join(map(str, node["target"])) for node in item["nodes"]]
                    self.violations.append(
                        Violation(f"{label} @{width}px", item["id"], item["impact"] or "minor", item["help"], targets)
                    )
            # Still at 320 px: no sideways scrolling, even with the text spacing of WCAG 1.4.12.
            reflow = page.evaluate(PAGE_OVERFLOW)
            if reflow["scroll"] > reflow["width"] + 1:
                self.problems.append(f"{where}: scrolls sideways at 320 px ({reflow['scroll']} px wide: {reflow['over']})")
            # A constructed style sheet: the page's CSP forbids <style> elements, rightly.
            page.evaluate(
                "(css) => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
                " window.__wcagSpacing = sheet; document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
                TEXT_SPACING_CSS,
            )
            spaced = page.evaluate(PAGE_OVERFLOW)
            if spaced["scroll"] > spaced["width"] + 1:
                self.problems.append(f"{where}: text spacing (WCAG 1.4.12) makes it scroll sideways at 320 px ({spaced['over']})")
            page.set_viewport_size({"width": AUDIT_WIDTHS[0], "height": AUDIT_HEIGHT})
            clipped = page.evaluate(CLIPPED_TEXT)
            if clipped:
                self.problems.append(f"{where}: text spacing (WCAG 1.4.12) cuts text off in {clipped}")
            page.evaluate("() => { document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== window.__wcagSpacing); }")
        finally:
            if original:
                page.set_viewport_size(original)

    def screenshot(self, page, name: str) -> None:
        if SCREENSHOTS_DIR:
            Path(SCREENSHOTS_DIR).mkdir(parents=True, exist_ok=True)
            # caret="initial": hiding the caret makes Playwright inject a <style>, which the CSP
            # (style-src 'self') blocks and the console check then reports.
            page.screenshot(path=str(Path(SCREENSHOTS_DIR) / f"{name}.png"), full_page=True, caret="initial")

    def assert_clean(self) -> None:
        """Fail with a readable list of everything found so far: every axe-core impact counts."""
        lines = [str(v) for v in self.violations] + self.problems + [f"console: {c}" for c in self.console]
        assert not lines, "Accessibility / console problems:\n  " + "\n  ".join(lines)


_AUDIT = Audit()


@pytest.fixture(scope="session")
def audit() -> Audit:
    return _AUDIT


def pytest_terminal_summary(terminalreporter):
    if not _AUDIT.pages:
        return
    write = terminalreporter.write_line
    terminalreporter.section("accessibility (axe-core) and console")
    write(f"{len(_AUDIT.pages)} pages or states checked (visited {sum(_AUDIT.pages.values())} times):")
    for label, times in _AUDIT.pages.items():
        write(f"  - {label}" + (f" (×{times})" if times > 1 else ""))
    for impact in IMPACT_ORDER:
        found = [v for v in _AUDIT.violations if v.impact == impact]
        write(f"{impact}: {len(found)}")
        for violation in found:
            write(f"    {violation}")
    write(f"structure problems (h1, title, lang, skip link, colour alone, reflow, text spacing): {len(_AUDIT.problems)}")
    for problem in _AUDIT.problems:
        write(f"    {problem}")
    write(f"console errors and CSP violations: {len(_AUDIT.console)}")
    for line in _AUDIT.console:
        write(f"    {line}")
    write("keyboard-only flows: " + ("; ".join(_AUDIT.keyboard_flows) or "none run"))


# -- journey helpers ------------------------------------------------------------------------------------


@dataclass
class Journey:
    """What one step of the story leaves for the next (committee, people, meetings)."""

    slug: str = "rennes-nord"
    password: str = "Concertation-2026-e2e!"
    host_email: str = "animation@rennes-nord.example.fr"
    porteur_email: str = "coordination@champs-manceaux.example.fr"
    viewer_email: str = "suivi@caf35.example.fr"
    director_email: str = "direction.volga@ecole.example.fr"
    school_uai: str = "0352258P"
    school_name: str = "Ecole élémentaire publique Volga"
    porteur_name: str = "Centre social des Champs-Manceaux"
    project_name: str = "Clas des Champs-Manceaux"
    project_id: int | None = None
    meetings: dict[str, int] = field(default_factory=dict)  # kind -> id
    answer_link: str = ""


@pytest.fixture(scope="session")
def journey() -> Journey:
    return Journey()


@pytest.fixture
def new_page(browser, audit, live_server):
    """Open a fresh browser context (its own cookies), watched for console errors."""
    contexts = []

    def open_page(**options):
        options = {"locale": "fr-FR", "timezone_id": "Europe/Paris", "accept_downloads": True, **options}
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        audit.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
