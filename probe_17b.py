import re, sys
from app import app
from clas_local.extensions import db
from clas_local.auth.models import User
from clas_local.projects.models import Project
from sqlalchemy import select
from tests.factories import sign_in
app.config["WTF_CSRF_ENABLED"] = False
with app.app_context():
    host = db.session.scalar(select(User).where(User.email == "animation@demo.clas-local.fr"))
    print(host.email if host else None)
    c = app.test_client()
    sign_in(c, host)
    for p in db.session.scalars(select(Project).order_by(Project.school_year, Project.name)):
        print(p.id, p.school_year, p.name, p.previous_project_id, p.first_project_id, p.caf_status)
    for path in sys.argv[1:]:
        r = c.get(path)
        text = re.sub(r"<[^>]+>", " ", r.get_data(as_text=True))
        text = re.sub(r"\s+", " ", text)
        print(path, r.status_code)
        for key in ("Années du projet", "Suggestions du territoire", "Renouvellements et bilans", "Projets à renouveler"):
            i = text.find(key)
            if i >= 0: print("  ...", text[i:i+700])
