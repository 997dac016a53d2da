import sqlite3

from clas_local.auth.models import User
from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.partners.models import Partner, PartnerKind
from clas_local.projects.models import Project


def run(app, *args):
    return app.test_cli_runner().invoke(args=["clas", *args])


def test_create_committee_and_user(app):
    result = run(app, "create-committee", "--slug", "vitre", "--name", "Comité de Vitré", "--zone", "B")
    assert result.exit_code == 0, result.output
    result = run(app, "create-user", "--email", "Hote@Vitre.fr", "--password", "Le chat dort sur la box",
                 "--role", "host", "--committee", "vitre")
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="hote@vitre.fr").one()
    assert user.memberships[0].committee.slug == "vitre"


def test_create_committee_refuses_bad_input_in_french(app):
    run(app, "create-committee", "--slug", "vitre", "--name", "Comité", "--zone", "B")
    again = run(app, "create-committee", "--slug", "vitre", "--name", "Comité", "--zone", "B")
    assert again.exit_code != 0 and "déjà" in again.output
    bad_tz = run(app, "create-committee", "--slug", "x1", "--name", "X", "--zone", "other", "--timezone", "Mars/Olympus")
    assert bad_tz.exit_code != 0 and "Fuseau horaire inconnu" in bad_tz.output
    bad_slug = run(app, "create-committee", "--slug", "Pas Bien", "--name", "X", "--zone", "A")
    assert bad_slug.exit_code != 0 and "minuscules" in bad_slug.output


def test_create_user_refuses_a_weak_password(app):
    run(app, "create-committee", "--slug", "vitre", "--name", "Comité", "--zone", "B")
    result = run(app, "create-user", "--email", "a@b.fr", "--password", "court", "--role", "host", "--committee", "vitre")
    assert result.exit_code != 0 and "12 caractères" in result.output


def test_demo_is_idempotent_and_prints_working_logins(app, client):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    counts = (db.session.query(Partner).count(), db.session.query(Project).count(), db.session.query(User).count())
    second = run(app, "demo")
    assert second.exit_code == 0
    assert (db.session.query(Partner).count(), db.session.query(Project).count(), db.session.query(User).count()) == counts

    committee = db.session.query(Committee).filter_by(slug="demo").one()
    schools = db.session.query(Partner).filter(Partner.committee_id == committee.id, Partner.uai.is_not(None)).count()
    assert schools > 50  # real schools of Rennes and its neighbours, from the national directory
    assert db.session.query(Partner).filter_by(uai="0352258P").one().name == "Ecole élémentaire publique Volga"
    rural = db.session.query(Project).filter_by(is_rural=True, school_year="2026-2027").one()
    assert rural.collectifs[0].children_count == 6

    from tests.conftest import post

    logins = [line.split() for line in first.output.splitlines() if "@demo.clas-local.fr" in line]
    assert {login[0] for login in logins} == {"host", "porteur", "school", "viewer", "admin", "department"}
    for _role, email, password in logins:
        browser = app.test_client()
        response = post(browser, "/login", {"email": email, "password": password})
        assert response.status_code == 303, email


def test_backup_copies_a_consistent_sqlite_database(app, tmp_path, committee):
    if db.engine.dialect.name != "sqlite":
        result = run(app, "backup", str(tmp_path / "copie.sqlite"))
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    result = run(app, "backup", str(tmp_path / "copie.sqlite"))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "copie.sqlite") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT name FROM committee").fetchall() == [("Comité local de Rennes",)]


def test_a_backup_is_one_file_that_opens_on_its_own(app, tmp_path, committee):
    """No -wal or -shm beside the copy (they would be left behind, or needed to read it):
    the copy is in rollback-journal mode and opens read-only from a read-only folder."""
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL: the command refuses (test above)
    folder = tmp_path / "sauvegardes"
    result = run(app, "backup", str(folder / "clas.sqlite"))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir()) == ["clas.sqlite"]
    alone = tmp_path / "ailleurs"
    alone.mkdir()
    (alone / "clas.sqlite").write_bytes((folder / "clas.sqlite").read_bytes())
    alone.chmod(0o555)
    try:
        copy = sqlite3.connect(f"file:{alone / 'clas.sqlite'}?mode=ro", uri=True)
        try:
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("SELECT name FROM committee").fetchall() == [("Comité local de Rennes",)]
        finally:
            copy.close()
    finally:
        alone.chmod(0o755)


def test_the_kind_enum_offers_the_referentials_partners():
    labels = {kind.label for kind in PartnerKind}
    assert {"Programme de réussite éducative (PRE)", "Cité éducative", "REAAP"} <= labels
