"""Demo « Bilans d'activité »: every project of a past school year has its figures and its
qualitative bilan; the current year's are partly entered (the children enrolled and the
collectifs, one heading), as porteurs would have them in November.

The figures follow each project's collectifs (children, animateurs, weekly sessions, weeks),
so the warnings read true: one past project ran 26 weeks (« fewer than 27 weeks »), the
rural project uses the rural exceptions. Projects are read from the database (whatever
earlier steps created, in any year), and a project that already has figures is left alone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local.activity.models import QUALITATIVE_FIELDS, ActivityFigures
from clas_local.extensions import db
from clas_local.projects.models import Project
from clas_local.school_year import current_school_year

QUALITATIVE = (
    {
        "bilan_children": "Les enfants prennent la parole plus facilement en classe ; les devoirs sont faits "
        "plus régulièrement, selon les enseignants rencontrés au bilan.",
        "bilan_parents": "Un café des parents par trimestre ; la moitié des familles est venue au moins une fois.",
        "bilan_schools": "Réunions de lancement, de suivi et de bilan tenues avec les directeurs ; "
        "l'orientation des enfants s'est faite avec les enseignants.",
        "bilan_partners": "Sorties culturelles avec la médiathèque du quartier ; orientation croisée avec le PRE.",
        "bilan_difficulties": "Des absences répétées en février ; un intervenant remplacé en cours d'année.",
        "bilan_outlook": "Ouvrir un second collectif pour les collégiens à la rentrée.",
    },
    {
        "bilan_children": "Progrès nets en lecture à voix haute ; plus d'autonomie dans l'organisation du travail.",
        "bilan_parents": "Deux ateliers « accompagner les devoirs sans se fâcher » animés avec les parents.",
        "bilan_schools": "Le bilan de fin d'année avec l'école n'a pas pu se tenir : à programmer dès mai.",
        "bilan_partners": "Le PEDT a permis d'utiliser les salles de l'école après la classe.",
        "bilan_difficulties": "Démarrage tardif : 26 semaines seulement, faute d'intervenant en novembre.",
        "bilan_outlook": "Démarrer dès la rentrée de la Toussaint, avec un intervenant recruté en septembre.",
    },
    {
        "bilan_children": "Un petit groupe stable ; les enfants attendent la séance du mercredi.",
        "bilan_parents": "Les parents viennent chercher leurs enfants et restent pour le goûter partagé.",
        "bilan_schools": "L'école du Rohuel oriente les enfants et participe au bilan.",
        "bilan_partners": "L'accueil de loisirs prête ses locaux et assure le transport.",
        "bilan_difficulties": "La mobilité des familles en milieu rural limite le nombre d'enfants.",
        "bilan_outlook": "Proposer une seconde séance si un bénévole supplémentaire est trouvé.",
    },
)


def _figures(project: Project, index: int, *, complete: bool) -> ActivityFigures:
    collectifs = project.collectifs
    college = sum(c.children_count for c in collectifs if "collég" in c.name.lower())
    elementaire = sum(c.children_count for c in collectifs) - college
    # The second project of each year started late: 26 weeks (a warning, as in its qualitative bilan).
    weeks = max((c.planned_weeks for c in collectifs), default=27) - (1 if index % 3 == 1 else 0)
    figures = ActivityFigures(
        project_id=project.id,
        children_elementaire=elementaire,
        children_college=college,
        children_lycee=0,
        collectifs_count=len(collectifs),
        **{name: "" for name in QUALITATIVE_FIELDS},
    )
    texts = QUALITATIVE[2] if project.is_rural else QUALITATIVE[index % 2]
    if not complete:
        figures.bilan_children = "Bilan en cours : premières séances depuis la rentrée de la Toussaint."
        return figures
    figures.sessions_held = sum(c.weekly_sessions for c in collectifs) * weeks
    figures.weeks_run = weeks
    animateurs = sum(c.animateurs_count for c in collectifs)
    figures.paid_intervenants = max(animateurs - 1, 1)
    figures.volunteer_intervenants = animateurs - figures.paid_intervenants
    figures.parent_actions = 3 + index % 4
    for name, text in texts.items():
        setattr(figures, name, text)
    return figures


def seed_figures(projects: list[Project], current_year: str) -> None:
    """Figures for each project without any: complete for past years, partial for the current one."""
    ids = [project.id for project in projects]
    done = set(db.session.scalars(select(ActivityFigures.project_id).where(ActivityFigures.project_id.in_(ids))))
    by_year: dict[str, int] = {}
    for project in projects:
        index = by_year.get(project.school_year, 0)
        by_year[project.school_year] = index + 1
        if project.id in done or project.school_year > current_year or not project.collectifs:
            continue
        db.session.add(_figures(project, index, complete=project.school_year < current_year))


def seed(context) -> None:
    committee = context.committee
    projects = db.session.scalars(
        select(Project)
        .where(Project.committee_id == committee.id)
        .order_by(Project.school_year, Project.id)
        .options(selectinload(Project.collectifs))
    ).all()
    seed_figures(list(projects), current_school_year(committee))
