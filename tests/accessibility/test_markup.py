"""The markup criteria of the RGAA audit (docs/accessibilite/audit-rgaa.md), on every page.

Every GET route of the application is opened as an actor who may see it (the permission
matrix's world, tests/security/world.py) and every HTML page it answers is read as a parser
reads it: doctype, language and title (RGAA 8.1, 8.3, 8.5), balanced and well nested tags,
attributes given once and unique ids (8.2), captions and scoped headers of data tables
(5.4, 5.6), a legend for each group of fields (11.6), no presentational markup, inline style,
new window, refresh or shortcut key (8.9, 10.1, 12.10, 13.1, 13.2), no image, frame or media
(themes 1, 2, 4: not applicable while this holds). The palette of static/css/app.css is
checked for contrast (3.2, 3.3).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import sign_in
from tests.security.conftest import shared_app, world_app  # noqa: F401 (fixtures)
from tests.security.matrix import MATRIX, OK, url_values
from tests.security.world import ACTORS, build_world

ROOT = Path(__file__).resolve().parents[2]

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
MEDIA = {"img", "svg", "iframe", "frame", "video", "audio", "object", "embed", "canvas", "picture"}
PRESENTATIONAL_TAGS = {"b", "i", "u", "font", "center", "big", "small", "blink", "marquee", "tt", "strike"}
PRESENTATIONAL_ATTRIBUTES = {"style", "align", "bgcolor", "border", "color", "valign", "width", "height", "face"}
VAGUE = {"ici", "cliquez ici", "voir", "lire la suite", "en savoir plus", "plus", "lien", "suite", "cliquer ici"}


@dataclass
class Page:
    """What the parser found in one page; `problems` lists what breaks a criterion."""

    doctype: str = ""
    lang: str | None = None
    title: str = ""
    problems: list[str] = field(default_factory=list)
    ids: Counter = field(default_factory=Counter)
    tags: Counter = field(default_factory=Counter)
    controls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, accessible text, href/name)
    inputs: dict[str, dict] = field(default_factory=dict)  # id -> attributes


class Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, dict]] = []
        self._in_title = False
        self._tables: list[dict] = []
        self._fieldsets: list[dict] = []
        self._controls: list[dict] = []

    # -- tags -----------------------------------------------------------------------------------
    def handle_decl(self, decl):
        self.page.doctype = decl

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        repeated = [name for name, count in Counter(names).items() if count > 1]
        if repeated:
            self.page.problems.append(f"<{tag}> repeats attribute(s) {repeated} (RGAA 8.2)")
        attributes = dict(attrs)
        self.page.tags[tag] += 1
        if "id" in attributes:
            self.page.ids[attributes["id"]] += 1
        if tag == "html":
            self.page.lang = attributes.get("lang")
        if tag in PRESENTATIONAL_TAGS:
            self.page.problems.append(f"<{tag}> used for presentation (RGAA 8.9)")
        for name in PRESENTATIONAL_ATTRIBUTES & set(attributes):
            if not (tag in {"input", "canvas", "svg"} and name in {"width", "height"}):
                self.page.problems.append(f'<{tag} {name}="…"> presentational attribute (RGAA 10.1)')
        if "accesskey" in attributes:
            self.page.problems.append(f"<{tag} accesskey> single-key shortcut (RGAA 12.10)")
        if attributes.get("target") == "_blank":
            self.page.problems.append(f"<{tag} target=_blank> opens a new window (RGAA 13.2)")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.page.problems.append("<meta http-equiv=refresh> (RGAA 13.1)")
        if tag in MEDIA:
            self.page.problems.append(f"<{tag}>: the audit says there is no image, frame or media (RGAA 1, 2, 4)")
        tabindex = attributes.get("tabindex") or "0"
        if tabindex.isdigit() and int(tabindex) > 0:
            self.page.problems.append(f"<{tag} tabindex={tabindex}> positive tab index (RGAA 12.8)")
        if tag in {"input", "select", "textarea"} and attributes.get("id"):
            self.page.inputs[attributes["id"]] = attributes

        for table in self._tables:
            if tag == "caption" and table["depth"] == len(self.stack):
                table["caption"] = True
        if tag == "th" and self._tables and attributes.get("scope") not in {"col", "row", "colgroup", "rowgroup"} \
                and "id" not in attributes:
            self.page.problems.append("<th> without scope (RGAA 5.6)")
        if tag == "table":
            self._tables.append({"depth": len(self.stack) + 1, "caption": False})
        if tag == "fieldset":
            self._fieldsets.append({"depth": len(self.stack) + 1, "legend": False})
        if tag == "legend" and self._fieldsets and self._fieldsets[-1]["depth"] == len(self.stack):
            self._fieldsets[-1]["legend"] = True
        if tag in {"a", "button"}:
            self._controls.append({"tag": tag, "text": [], "target": attributes.get("href") or attributes.get("formaction") or ""})
        if tag == "title":
            self._in_title = True
        if tag not in VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tags = [name for name, _ in self.stack[-4:]]
            self.page.problems.append(f"</{tag}> closes nothing open here (open: {open_tags}) (RGAA 8.2)")
            if any(name == tag for name, _ in self.stack):  # recover: close up to it
                while self.stack and self.stack[-1][0] != tag:
                    self.stack.pop()
                self.stack.pop()
            return
        self.stack.pop()
        if tag == "table":
            table = self._tables.pop()
            if not table["caption"]:
                self.page.problems.append("<table> without <caption> (RGAA 5.4)")
        if tag == "fieldset":
            if not self._fieldsets.pop()["legend"]:
                self.page.problems.append("<fieldset> without <legend> (RGAA 11.6)")
        if tag in {"a", "button"} and self._controls:
            control = self._controls.pop()
            text = " ".join("".join(control["text"]).split())
            self.page.controls.append((tag, text, control["target"]))
            if self._controls:
                self._controls[-1]["text"].append(text)
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.page.title += data
        if self._controls:
            self._controls[-1]["text"].append(data)

    def close(self):
        super().close()
        if self.stack:
            self.page.problems.append(f"left open: {[name for name, _ in self.stack]} (RGAA 8.2)")
        for name, count in self.page.ids.items():
            if count > 1:
                self.page.problems.append(f'id="{name}" used {count} times (RGAA 8.2)')


def read(html: str) -> Page:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def reader_actor(endpoint: str) -> str | None:
    """An actor who may GET `endpoint`, the committee's host first (who sees the most)."""
    expected = MATRIX[(endpoint, "GET")]
    for actor in ("host_a", "porteur", "school", "viewer", "admin", "anonymous", *ACTORS):
        if expected.get(actor) == OK:
            return actor
    return None


def html_pages(app):
    """(url, html) of every page a GET route answers with HTML, as one who may see it."""
    from flask import url_for

    world = build_world()
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods or (rule.endpoint, "GET") not in MATRIX:
            continue
        actor = reader_actor(rule.endpoint)
        if actor is None:
            continue
        client = app.test_client()
        if world.users[actor] is not None:
            sign_in(client, world.users[actor])
        with app.test_request_context():
            url = url_for(rule.endpoint, **url_values(rule.endpoint, sorted(rule.arguments), world))
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append((url, response.get_data(as_text=True)))
        response.close()
    return pages


def markup_problems(app, criteria: tuple[str, ...]) -> list[str]:
    """The problems of every page that break one of `criteria` ("8.2", "5.4", "1"…)."""
    pages = html_pages(app)
    assert len(pages) >= 35, f"only {len(pages)} HTML pages found: is the world complete?"
    wanted = tuple(f"(RGAA {criterion})" for criterion in criteria)
    problems = []
    for url, html in pages:
        page = read(html)
        if page.doctype.lower() != "doctype html":
            problems.append(f"{url}: doctype {page.doctype!r} (RGAA 8.1)")
        if page.lang != "fr":
            problems.append(f"{url}: <html lang={page.lang!r}> (RGAA 8.3)")
        if not page.title.strip().endswith("Clas Local") or page.title.strip() == "Clas Local":
            problems.append(f"{url}: title {page.title.strip()!r} (RGAA 8.5)")
        problems += [f"{url}: {problem}" for problem in page.problems]
    return [problem for problem in problems if problem.endswith(wanted)]


def test_every_page_is_valid_french_html_with_a_title(world_app):  # noqa: F811
    problems = markup_problems(world_app, ("8.1", "8.2", "8.3", "8.5"))
    assert not problems, "\n".join(problems)


def test_every_data_table_has_a_caption_and_scoped_headers(world_app):  # noqa: F811
    problems = markup_problems(world_app, ("5.4", "5.6"))
    assert not problems, "\n".join(problems)


def test_every_fieldset_has_a_legend(world_app):  # noqa: F811
    problems = markup_problems(world_app, ("11.6",))
    assert not problems, "\n".join(problems)


def test_no_inline_style_nor_presentational_markup(world_app):  # noqa: F811
    """Nor a new window, an automatic refresh, a shortcut key or a positive tab index."""
    problems = markup_problems(world_app, ("8.9", "10.1", "12.8", "12.10", "13.1", "13.2"))
    assert not problems, "\n".join(problems)


def test_pages_hold_no_image_frame_or_media(world_app):  # noqa: F811
    """Themes 1 (images), 2 (frames) and 4 (media) are « non applicable » while this holds."""
    problems = markup_problems(world_app, ("1", "2", "4"))
    assert not problems, "\n".join(problems)


def test_no_link_or_button_is_vague(world_app):  # noqa: F811
    """A link or a button says where it goes or what it does, with its hidden complement (6.1, 11.9)."""
    vague = []
    for url, html in html_pages(world_app):
        for tag, text, _target in read(html).controls:
            if text.lower().strip(" .…»«") in VAGUE:
                vague.append(f"{url}: <{tag}> « {text} »")
    assert not vague, "\n".join(vague)


def test_the_reader_finds_what_breaks_a_criterion():
    """The checks above can fail: each kind of mistake is caught on a small page."""
    page = read(
        '<!doctype html><html lang="en"><head><title>x</title></head><body>'
        '<table><tr><th>a</th></tr></table><fieldset><input id="a"></fieldset><p id="a">'
        '<b>gras</b><a href="/x" target="_blank" style="color:red">ici</a></div></body></html>'
    )
    text = "\n".join(page.problems)
    for expected in ("without <caption>", "<th> without scope", "without <legend>", 'id="a" used 2 times',
                     "<b> used for presentation", "target=_blank", "presentational attribute",
                     "</div> closes nothing"):
        assert expected in text, (expected, text)
    assert page.lang == "en"


# -- fields about the user, filled in by the browser (RGAA 11.13, WCAG 1.3.5) -------------------------


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/login", {"email": "email", "password": "current-password"}),
        ("/mot-de-passe-oublie", {"email": "email"}),
        ("/compte", {"current_password": "current-password", "password": "new-password", "confirm": "new-password"}),
    ],
)
def test_personal_fields_declare_their_purpose(app, client, make_user, path, fields):
    if path == "/compte":
        sign_in(client, make_user(email="claire@mairie.example.fr"))
    page = read(client.get(path).get_data(as_text=True))
    for field_id, purpose in fields.items():
        assert field_id in page.inputs, f"{path}: no field #{field_id}"
        assert page.inputs[field_id].get("autocomplete") == purpose, (path, field_id, page.inputs[field_id])


# -- the palette (RGAA 3.2 text, 3.3 interface components) -------------------------------------------


def luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_palette_contrasts():
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    palette = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css.split("}", 1)[0]))
    white = "#ffffff"
    text_pairs = {  # (text, background) as app.css draws them: 4.5:1
        "text": (palette["ink"], palette["paper"]),
        "muted text": (palette["muted"], palette["paper"]),
        "muted text on grey": (palette["muted"], palette["soft"]),
        "links": (palette["accent"], palette["paper"]),
        "links on grey": (palette["accent"], palette["soft"]),
        "header": (white, palette["accent"]),
        "committee menu": (white, palette["accent-dark"]),
        "ok badge": (palette["ok"], "#eaf5ee"),
        "warning badge": (palette["warn"], "#fdf3e6"),
        "danger badge": (palette["danger"], "#fbecec"),
        "info badge": (palette["accent"], "#eaf0f8"),
        "errors": (palette["danger"], palette["paper"]),
    }
    component_pairs = {  # (component, what is beside it): 3:1
        "field borders": ("#767676", palette["paper"]),
        "button borders": (palette["accent"], palette["paper"]),
        "focus ring (dark ring around the yellow outline)": (palette["ink"], palette["paper"]),
        "focus ring on the header": (palette["focus"], palette["accent"]),
    }
    for name, (fg, bg) in text_pairs.items():
        assert contrast(fg, bg) >= 4.5, f"{name}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
    for name, (fg, bg) in component_pairs.items():
        assert contrast(fg, bg) >= 3, f"{name}: {fg} beside {bg} is {contrast(fg, bg):.2f}:1"
    assert contrast("#777777", "#ffffff") < 4.5  # the check can fail
