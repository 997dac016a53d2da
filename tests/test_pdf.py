"""clas_local.pdf: how every PDF is made. The garbage collector's thresholds it changes for a
build are the worker's again afterwards, whether the build succeeds or fails."""

from __future__ import annotations

import gc

import pytest

from clas_local import pdf


def test_a_build_leaves_the_collector_as_it_found_it():
    before = gc.get_threshold()
    document = pdf.document('<html lang="fr"><title>Essai</title><h1>Réunion</h1></html>', "h1 { color: #123764; }")
    assert gc.get_threshold() == before
    assert pdf.write(document).startswith(b"%PDF-")
    assert gc.get_threshold() == before


def test_the_collector_is_restored_when_a_build_fails(monkeypatch):
    before = gc.get_threshold()
    during = []

    def failing_render(self, *args, **kwargs):
        during.append(gc.get_threshold())
        raise RuntimeError("mise en page impossible")

    weasyprint = pdf._weasyprint()
    monkeypatch.setattr(weasyprint.HTML, "render", failing_render)
    with pytest.raises(RuntimeError):
        pdf.document("<p>Texte</p>", "")
    assert during == [pdf.BUILD_THRESHOLDS]
    assert gc.get_threshold() == before


def test_builds_in_two_threads_leave_the_collector_as_they_found_it():
    """The first build to start sets the thresholds, the last to end restores them, whatever
    the order (the development server and threaded workers build in parallel)."""
    import threading

    before = gc.get_threshold()
    first_started, second_ended = threading.Event(), threading.Event()
    during = []

    def first():
        with pdf._fewer_collections():
            first_started.set()
            second_ended.wait(5)
            during.append(gc.get_threshold())

    thread = threading.Thread(target=first)
    thread.start()
    first_started.wait(5)
    with pdf._fewer_collections():
        pass  # the second build starts after the first and ends before it
    second_ended.set()
    thread.join(5)
    assert during == [pdf.BUILD_THRESHOLDS]  # still raised for the build under way
    assert gc.get_threshold() == before
