"""The dossier's PDF is built once per version of its content, then served from the cache."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from clas_local import create_app
from clas_local.dossier import routes as dossier_routes
from clas_local.extensions import db
from clas_local.partners.models import Contact
from clas_local.projects.services import set_referent
from tests.compliance import builders
from tests.conftest import _config, count_queries, post
from tests.dossier.test_dossier import pdf_text, urls


@pytest.fixture
def built(committee):
    data = builders.project_year(committee, with_bilan=False)
    builders.evidence(committee, meeting=data["meetings"][0], name="émargement diagnostic.pdf")
    db.session.commit()
    return data


def _no_build(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the PDF was built again")

    monkeypatch.setattr(dossier_routes, "render_pdf", refuse)


def _tables(statements: list[str]) -> list[str]:
    """The table each statement reads (its outermost FROM: the stamp's meetings and subqueries come before it)."""
    return [re.findall(r"\bFROM\s+\"?(\w+)", statement)[-1] for statement in statements]


def _permission_tables(client, project) -> list[str]:
    """The tables a request for a project that does not exist reads until the project is not found
    (then the 404 page and its audit row)."""
    with count_queries() as refused:
        assert client.get(f"/c/{project.committee.slug}/projects/999999/dossier.pdf").status_code == 404
    reads = [statement for statement in refused if statement.lstrip().upper().startswith(("SELECT", "WITH"))]
    tables = _tables(reads)
    return tables[: tables.index("project") + 1]


def test_second_download_reads_the_cache_after_the_permission_queries_only(client, login_as, built, monkeypatch):
    login_as("viewer")
    url = urls(built["project"])[1]
    with count_queries() as first:
        cold = client.get(url)
    assert cold.status_code == 200 and cold.headers["ETag"]
    _no_build(monkeypatch)
    with count_queries() as second:
        warm = client.get(url)
    assert warm.status_code == 200
    assert warm.data == cold.data
    assert warm.headers["ETag"] == cold.headers["ETag"]
    assert "no-store" in warm.headers["Cache-Control"]  # personal data: no copy kept on the way
    # The signed-in account, the committee, the membership, the project (with its dossier's
    # version): what any request for a project reads to check the permission, even a refused one.
    assert _tables(second) == ["user_account", "committee", "membership", "project"]
    assert _tables(second) == _permission_tables(client, built["project"])
    assert len(second) < len(first)


def test_unchanged_dossier_answers_304_to_its_etag(client, login_as, built, monkeypatch):
    login_as("viewer")
    url = urls(built["project"])[1]
    etag = client.get(url).headers["ETag"]
    _no_build(monkeypatch)
    with count_queries() as queries:
        response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert _tables(queries) == _permission_tables(client, built["project"])
    # A stale ETag gets the whole document.
    assert client.get(url, headers={"If-None-Match": '"ancienne-version"'}).status_code == 200


def _presences(text: str) -> tuple[int, int]:
    """How many rows of the PDF say « Présent » and « Excusé » (however pypdf orders the cells)."""
    words = text.split()
    return words.count("Présent") + words.count("Présent:"), words.count("Excusé") + words.count("Excusé:")


def test_changed_attendance_is_in_the_next_download(client, login_as, built):
    login_as("host")
    url = urls(built["project"])[1]
    # The diagnostic is over (attendance can only be noted once a meeting has started).
    diagnostic, champion = built["meetings"][0], built["schools"][1]
    before = client.get(url)
    present, excused = _presences(pdf_text(before))
    answer = post(client, f"/c/{diagnostic.committee.slug}/meetings/{diagnostic.id}/attendance/partners/{champion.id}",
                  {"presence": "excused"}, htmx=True)  # fmt: skip
    assert answer.status_code == 200
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _presences(pdf_text(after)) == (present - 1, excused + 1)


def test_changed_partner_name_and_school_referent_are_in_the_next_download(client, login_as, built):
    login_as("host")
    url = urls(built["project"])[1]
    school = built["schools"][0]
    school.contacts.append(Contact(full_name="Camille Référente", function="Directrice", email="camille@exemple.fr"))
    db.session.commit()
    first = client.get(url)
    assert "Camille Référente" not in pdf_text(first)
    school.name = "École élémentaire Renommée"
    db.session.commit()
    renamed = client.get(url)
    assert renamed.headers["ETag"] != first.headers["ETag"]
    assert "École élémentaire Renommée" in pdf_text(renamed)
    # The link between project and school has no timestamp of its own: a new referent still shows.
    set_referent(built["project"].schools[0], school.contacts[-1])
    db.session.commit()
    referent = client.get(url)
    assert referent.headers["ETag"] != renamed.headers["ETag"]
    assert "École élémentaire Renommée (Camille Référente)" in " ".join(pdf_text(referent).split())


def test_another_worker_serves_the_file_this_one_built(app_config, client, login_as, built, monkeypatch):
    login_as("viewer")
    url = urls(built["project"])[1]
    built_here = client.get(url)
    other = create_app(_config(**app_config))  # a second process: its own app, same database and folder
    _no_build(monkeypatch)
    with other.app_context():
        other_client = other.test_client()
        with client.session_transaction() as session, other_client.session_transaction() as copied:
            copied.update(session)
        response = other_client.get(url)
        db.session.remove()
        db.engine.dispose()  # the second process's connections, closed before the test ends
    assert response.status_code == 200
    assert response.data == built_here.data


def test_zip_holds_the_cached_pdf(client, login_as, built, monkeypatch):
    login_as("viewer")
    pdf_url, zip_url = urls(built["project"])[1:]
    document = client.get(pdf_url).data
    _no_build(monkeypatch)
    archive = zipfile.ZipFile(io.BytesIO(client.get(zip_url).data))
    pdf_name = next(name for name in archive.namelist() if name.endswith(".pdf") and "/" not in name)
    assert archive.read(pdf_name) == document
    assert "2026-10-08-diagnostic/émargement diagnostic.pdf" in archive.namelist()


def test_only_the_latest_version_is_kept(app, client, login_as, built):
    login_as("host")
    url = urls(built["project"])[1]
    client.get(url)
    built["project"].name = "Clas du Blosne, renommé"
    db.session.commit()
    assert "Clas du Blosne, renommé" in pdf_text(client.get(url))
    kept = list(Path(app.config["DOSSIER_CACHE_FOLDER"]).glob("*.pdf"))
    assert len(kept) == 1


def test_a_meeting_of_today_is_a_completing_key_moment_once_it_has_ended(client, login_as, built, make_meeting):
    """The dossier says what the meeting's page says: planned until its end, « à compléter »
    from then on, that very day, and the cached PDF follows (its version counts the meetings over)."""
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    from clas_local.meetings.models import Meeting, MeetingKind

    def text(response) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())

    login_as("viewer")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    lancement = make_meeting(built["project"], kind=MeetingKind.LANCEMENT, starts_at=now + timedelta(minutes=30),
                             ends_at=now + timedelta(minutes=90))  # fmt: skip
    db.session.commit()
    page, pdf = urls(built["project"])[:2]
    assert "Lancement Prévue le" in text(client.get(page))
    before = client.get(pdf)
    assert "Lancement Prévue le" in " ".join(pdf_text(before).split())

    # Time passes: the meeting has ended (its row is not edited: its updated_at stays).
    db.session.execute(
        update(Meeting).where(Meeting.id == lancement.id)
        .values(starts_at=now - timedelta(minutes=90), ends_at=now - timedelta(minutes=1), updated_at=lancement.updated_at)
    )  # fmt: skip
    db.session.commit()
    assert "Lancement À compléter (présences, compte rendu)" in text(client.get(page))
    after = client.get(pdf)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "Lancement À compléter (présences, compte rendu)" in " ".join(pdf_text(after).split())


def test_an_instance_de_concertation_held_is_in_the_next_download(client, login_as, committee, built):
    """The porteur's presence at the territory's instances de concertation is part of the dossier
    (as at the comités locaux): a new one held changes its version."""
    from clas_local.meetings.models import MeetingKind

    login_as("viewer")
    page, pdf = urls(built["project"])[:2]
    before = client.get(pdf)
    assert "instance de concertation (" not in " ".join(pdf_text(before).split())
    builders.meeting(committee, None, MeetingKind.INSTANCE, builders.utc(2027, 1, 14), present=(built["porteur"],),
                     title="Comité de pilotage du PEDT")  # fmt: skip
    db.session.commit()
    after = client.get(pdf, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "présent à 1 instance de concertation (" in " ".join(pdf_text(after).split())
    assert "présent à 1 instance de concertation (" in client.get(page).get_data(as_text=True)


def _main(response) -> str:
    """The page's main content without the time it was read at."""
    main = response.get_data(as_text=True).split("<main")[1]
    return re.sub(r"Dossier généré le [^<]+", "", main)


def test_the_dossier_page_is_kept_until_its_content_changes(client, login_as, built):
    """The page's content is kept under the dossier's version: read again unchanged, the dossier
    is not loaded again; an attendance changed shows at once."""
    login_as("host")
    page = urls(built["project"])[0]
    with count_queries() as first:
        before = client.get(page)
    with count_queries() as second:
        again = client.get(page)
    assert _main(again) == _main(before)
    assert "Dossier généré le" in again.get_data(as_text=True)
    assert len(second) < len(first), (len(second), len(first))
    diagnostic, champion = built["meetings"][0], built["schools"][1]
    post(client, f"/c/{diagnostic.committee.slug}/meetings/{diagnostic.id}/attendance/partners/{champion.id}",
         {"presence": "excused"}, htmx=True)  # fmt: skip
    after = _main(client.get(page))
    assert after != _main(before)
    assert after.count("Excusé") == _main(before).count("Excusé") + 1


def test_a_dossier_page_kept_for_an_editor_shows_a_viewer_no_action(client, login_as, built):
    """What is kept depends on what the reader may do: the host's next actions are links, a
    viewer reading the same version gets the page made for readers."""
    login_as("host")
    page = urls(built["project"])[0]
    host = _main(client.get(page))
    login_as("viewer")
    viewer = _main(client.get(page))
    def action_links(main: str) -> list[str]:
        return re.findall(r'<p class="check-action">Prochaine action : <a href', main)

    assert action_links(host) and not action_links(viewer)
    assert "Prochaine action : " in viewer  # read, not a link
