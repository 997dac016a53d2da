"""The application's PDFs (the dossier, the sign-in sheet): their HTML typeset by Typst.

Each PDF is written once, as the HTML template the page shows (the dossier) or prints (the
sign-in sheet). `render` reads that HTML into a tree of elements and strings, and hands it to
a Typst layout (`templates/pdf/<layout>.typ`) as JSON data: `html.typ` sets each element the
way the stylesheet of a printed page would. User text stays data from end to end: it is never
read as Typst markup, and nothing is fetched or read besides the layouts.

Every PDF is PDF/UA-1 (Typst checks it while it writes): a structure tree with headings,
lists and tables with their header cells, the language and the title, for screen readers
(RGAA 13.3). The one exception is a text with a character no installed font has (see `render`). Typst sets the bench's 24-meeting dossier in about a third of a second, where
WeasyPrint took 2.5 to 3.6 seconds on the same machine (README, « Performances »).
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import signal
import time
import warnings
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

log = logging.getLogger(__name__)
LAYOUTS = Path(__file__).resolve().parent.parent / "templates" / "pdf"
PDF_STANDARD = "ua-1"
MISSING_GLYPH = "could not be displayed with font"  # Typst's PDF/UA-1 error for such a character
BUILD_TIMEOUT = 60  # seconds: a dossier takes well under one

# Elements laid out as blocks: whitespace next to them is not text. The rest are inline.
BLOCKS = frozenset(
    "html body header footer main section article div p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd "
    "table caption thead tbody tfoot tr th td".split()
)
VOID = frozenset("br hr img meta link input col wbr".split())
SKIPPED = frozenset("head script style template".split())
SPANS = ("colspan", "rowspan")  # the only attributes the layouts read
MAX_SPAN = 100  # columns or rows a cell may span (the templates' tables have at most five columns)
PRE_WRAP_CLASSES = frozenset({"minutes"})  # white-space: pre-wrap on the page too
SPACES = re.compile(r"[ \t\n\r\f]+")
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # shown by no browser, printable by no font


@dataclass
class Element:
    tag: str
    classes: list[str]
    attributes: dict[str, int]
    children: list[Element | str] = field(default_factory=list)

    def as_data(self) -> dict:
        data: dict = {"t": self.tag, "k": [c if isinstance(c, str) else c.as_data() for c in self.children]}
        if self.classes:
            data["c"] = self.classes
        data.update(self.attributes)
        return data

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find(self, match) -> Element | None:
        for child in self.children:
            if isinstance(child, Element):
                if match(child):
                    return child
                if (found := child.find(match)) is not None:
                    return found
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("html", [], {})
        self.open: list[Element] = [self.root]
        self.title = ""
        self.meta: dict[str, str] = {}
        self._skipping = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and attributes.get("name"):
            self.meta[attributes["name"]] = attributes.get("content") or ""
        if tag == "title":
            self._in_title = True
        if self._skipping:
            self._skipping += tag not in VOID
            return
        if tag in SKIPPED:
            self._skipping = 1
            return
        if tag == "html":
            return
        element = Element(
            tag,
            (attributes.get("class") or "").split(),
            {name: min(int(value), MAX_SPAN) for name in SPANS if (value := attributes.get(name) or "").isdigit() and int(value) > 0},
        )
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._skipping:
            self._skipping -= 1
            return
        # Close up to the matching element (the parser forgives what a browser forgives).
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        data = CONTROLS.sub("", data)
        if self._in_title:
            self.title += data
        elif not self._skipping:
            self.open[-1].children.append(data)


def _normalise(element: Element, pre_wrap: bool = False) -> None:
    """HTML's white space, done here: runs collapse to one space, none next to a block, and
    lines of a pre-wrapped element become line breaks."""
    pre_wrap = pre_wrap or not PRE_WRAP_CLASSES.isdisjoint(element.classes)
    children: list[Element | str] = []
    for child in element.children:
        if isinstance(child, Element):
            _normalise(child, pre_wrap)
            children.append(child)
        elif pre_wrap:
            lines = child.replace("\r\n", "\n").split("\n")
            for number, line in enumerate(lines):
                if number:
                    children.append(Element("br", [], {}))
                if line:
                    children.append(line)
        elif children and isinstance(children[-1], str):
            children[-1] = SPACES.sub(" ", children[-1] + child)
        else:
            children.append(SPACES.sub(" ", child))
    if not pre_wrap:
        children = _trim(children, element.tag in BLOCKS)
    element.children = children


def _is_block(node) -> bool:
    return isinstance(node, Element) and node.tag in BLOCKS


def _trim(children: list, in_block: bool) -> list:
    kept = []
    for index, child in enumerate(children):
        if isinstance(child, str):
            before = children[index - 1] if index else None
            after = children[index + 1] if index + 1 < len(children) else None
            if (before is None and in_block) or _is_block(before) or (before is not None and _ends_line(before)):
                child = child.lstrip(" ")
            if (after is None and in_block) or _is_block(after):
                child = child.rstrip(" ")
            if not child:
                continue
        kept.append(child)
    return kept


def _ends_line(node) -> bool:
    return isinstance(node, Element) and node.tag == "br"


@dataclass(frozen=True)
class Parsed:
    title: str
    meta: dict[str, str]
    body: Element


def parse(html: str) -> Parsed:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    body = builder.root.find(lambda element: element.tag == "body") or builder.root
    _normalise(body)
    return Parsed(SPACES.sub(" ", builder.title).strip(), builder.meta, body)


def render(html: str, layout: str, **strings: str) -> bytes:
    """The PDF of `html` (a whole HTML document) set by `templates/pdf/<layout>.typ`.

    `strings`: the few words the layout prints outside the body (running headers, footers).
    """
    parsed = parse(html)
    heading = parsed.body.find(lambda element: element.tag == "h1")
    document = {
        # PDF/UA-1 requires a title: the page's, else its heading's.
        "title": parsed.title or (heading and SPACES.sub(" ", heading.text()).strip()) or "Clas Local",
        "author": parsed.meta.get("author", ""),
        "strings": {name: CONTROLS.sub("", value) for name, value in strings.items()},
        "body": parsed.body.as_data(),
    }
    import typst  # loaded on first use (only the PDF routes need it), in the worker before the fork

    source = str(LAYOUTS / f"{layout}.typ")
    inputs = {"document": json.dumps(document, ensure_ascii=False)}
    try:
        return _in_a_child(typst.compile, source, root=str(LAYOUTS), sys_inputs=inputs, pdf_standards=PDF_STANDARD)
    except PdfError as error:
        if MISSING_GLYPH not in str(error):
            raise
        # A character no installed font has (a name in Chinese on a server without a Chinese
        # font, say): PDF/UA-1 forbids printing it, and the dossier must still be made. The same
        # tagged PDF, without claiming the standard, the character as an empty box (README: the
        # font to install).
        log.warning("PDF %s built without PDF/UA-1: %s", layout, error)
        return _in_a_child(typst.compile, source, root=str(LAYOUTS), sys_inputs=inputs)


def _in_a_child(build, *arguments, **options) -> bytes:
    """`build(*arguments, **options)` in a forked process, whose memory is returned when it ends.

    Typst keeps what it computed for the next compilations (its cache holds the last ten, about
    25 MB each for a dossier): a worker that compiled in-process would keep 250 MB more for good,
    for nothing, since each version of a PDF is built once (clas_local.dossier.cache). The child
    runs the compiler alone and leaves by `os._exit`: it touches none of the parent's
    connections, files or locks, and runs no exit handler. Its fork costs a few milliseconds; a
    build is cold for Typst either way (a new dossier version is new text).

    The parent never compiles itself: the compiler starts threads, which a forked child would
    lack (it would wait for them for ever). Where `fork` does not exist, every build runs
    in-process instead. A child that outlives BUILD_TIMEOUT is killed.
    """
    if not hasattr(os, "fork"):
        return build(*arguments, **options)
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns when a process with threads forks: the child only compiles and exits.
        warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks", category=DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            try:
                data, status = b"\0" + build(*arguments, **options), 0
            except Exception as error:  # noqa: BLE001 (its message is the parent's error)
                data = b"\1" + f"{type(error).__name__}: {error}".encode("utf-8", "replace")
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(status)
    os.close(write_end)
    data = None
    try:
        data = _read_all(read_end, time.monotonic() + BUILD_TIMEOUT)
    finally:
        os.close(read_end)
        if data is None:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if data is None:
        raise PdfError(f"the PDF build took more than {BUILD_TIMEOUT} s")
    if data[:1] != b"\0":
        raise PdfError(data[1:].decode("utf-8", "replace") or "the PDF build ended without a result")
    return data[1:]


def _read_all(fd: int, deadline: float) -> bytes | None:
    """What the child writes until it closes the pipe; None at the deadline."""
    chunks = []
    while (remaining := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], remaining)[0]:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    return None


class PdfError(RuntimeError):
    """The typesetter failed (a layout's error: never the user's text, which is only data)."""
