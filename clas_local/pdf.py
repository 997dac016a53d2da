"""The application's PDFs (the dossier, the sign-in sheet), made by WeasyPrint in one way.

Everything a PDF shows is inline: the renderer fetches no URL at all (user text never becomes a
request). Every PDF is PDF/UA-1: a structure tree, the language and the title, for screen
readers (RGAA 13.3). And Python's cyclic garbage collector runs less often while WeasyPrint
works (see `_fewer_collections`).
"""

from __future__ import annotations

import gc
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

PDF_VARIANT = "pdf/ua-1"
# A build allocates millions of objects and keeps most of them until it ends (the boxes of every
# page). At the default thresholds (700, 10, 10) the collector runs thousands of times during a
# dossier and keeps walking what it keeps, and the worker's own long-lived objects each time it
# reaches the oldest generation. With these, the youngest generation is still collected (memory
# stays within a few megabytes of the default's) and the older ones almost never during a build.
# Measured on the bench's dossier (24 meetings): 0.83x the time of a cold build in the application
# (runs alternated with the default thresholds), 0.90x alone in a bare process, whose peak RSS
# goes from 94 to 101 MB.
BUILD_THRESHOLDS = (100_000, 50, 100)


def _weasyprint():
    # Imported on first use: WeasyPrint loads Pango and fonts, which only the PDF routes need.
    # Systems without libharfbuzz-subset get a DeprecationWarning at import (WeasyPrint 70 still
    # works without it): silence that one warning so that it never turns into an error.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        import weasyprint.urls
    return weasyprint


_builds = 0  # under way in this process (threads): the first sets the thresholds, the last restores them
_builds_lock = threading.Lock()
_thresholds_before: tuple[int, ...] = ()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    global _builds, _thresholds_before
    with _builds_lock:
        if _builds == 0:
            _thresholds_before = gc.get_threshold()
            gc.set_threshold(*BUILD_THRESHOLDS)
        _builds += 1
    try:
        yield
    finally:
        with _builds_lock:
            _builds -= 1
            if _builds == 0:
                gc.set_threshold(*_thresholds_before)


def document(html: str, css: str):
    """The laid-out WeasyPrint document (its pages and boxes: what the PDF prints)."""
    weasyprint = _weasyprint()
    no_fetch = weasyprint.urls.URLFetcher(allowed_protocols=())
    stylesheet = weasyprint.CSS(string=css, url_fetcher=no_fetch)
    with _fewer_collections():
        parsed = weasyprint.HTML(string=html, url_fetcher=no_fetch)
        return parsed.render(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)


def write(laid_out) -> bytes:
    with _fewer_collections():
        return laid_out.write_pdf(pdf_variant=PDF_VARIANT)


def render(html: str, css: str) -> bytes:
    return write(document(html, css))
