"""Demo directory: real schools of the national directory export, and the territory's actors.

The schools come through the same importer as `clas import-schools`, from a copy of the
2023 Ille-et-Vilaine export of the « Annuaire de l'éducation » (data/README.md).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.partners.importer import import_schools
from clas_local.partners.models import Contact, Partner, PartnerKind
from clas_local.partners.services import refresh_search_text

EXPORT = Path(__file__).parent / "data" / "fr-en-annuaire-education-ille-et-vilaine-2023.csv"

# Territory partners: (key, kind, name, commune, contact name, function, e-mail)
TERRITORY = (
    ("ts-blosne", PartnerKind.CENTRE_SOCIAL, "Centre social Ty-Blosne", "Rennes",
     "Nadia Benali", "Coordinatrice Clas", "n.benali@ty-blosne.example.org"),
    ("paul-bert", PartnerKind.ASSOCIATION, "Cercle Paul Bert – Maurepas", "Rennes",
     "Julien Le Goff", "Coordinateur jeunesse", "j.legoff@cerclepaulbert.example.org"),
    ("familles-verger", PartnerKind.ASSOCIATION, "Familles rurales du Verger", "Le Verger",
     "Anne Rouxel", "Présidente", "familles.rurales.verger@example.org"),
    ("pre-rennes", PartnerKind.PRE, "Programme de réussite éducative de Rennes", "Rennes",
     "Sophie Martin", "Référente de parcours", "pre@ville-rennes.example.org"),
    ("pedt-rennes", PartnerKind.PEDT, "PEDT de la Ville de Rennes", "Rennes",
     "Marc Guillou", "Chargé de mission PEDT", "pedt@ville-rennes.example.org"),
    ("cite-maurepas", PartnerKind.CITE_EDUCATIVE, "Cité éducative Rennes Maurepas – Le Blosne", "Rennes",
     "Claire Dubois", "Cheffe de projet opérationnelle", "cite-educative@ville-rennes.example.org"),
    ("reaap35", PartnerKind.REAAP, "REAAP d'Ille-et-Vilaine", "Rennes",
     "Yann Pellerin", "Animateur départemental", "reaap35@example.org"),
    ("circo-rennes-sud", PartnerKind.EDUCATION_NATIONALE, "Circonscription de Rennes Sud", "Rennes",
     "Hélène Marchand", "Inspectrice de l'Éducation nationale", "ce.ien-rennes-sud@ac-rennes.example.org"),
    ("caf35", PartnerKind.CAF, "CAF d'Ille-et-Vilaine", "Rennes",
     "Thomas Le Bihan", "Conseiller territorial", "thomas.lebihan@caf35.example.org"),
    ("champs-libres", PartnerKind.BIBLIOTHEQUE, "Bibliothèque des Champs Libres", "Rennes",
     "Léa Morvan", "Médiatrice jeunesse", "l.morvan@leschampslibres.example.org"),
    ("alsh-verger", PartnerKind.ALSH, "Accueil de loisirs du Verger", "Le Verger",
     "Paul Hamon", "Directeur", "alsh@leverger.example.org"),
)  # fmt: skip

# Referent contacts at the demo projects' schools: (UAI, name, function).
SCHOOL_CONTACTS = (
    ("0352258P", "Isabelle Caradec", "Directrice"),
    ("0352199A", "Karim Haddad", "Directeur"),
    ("0350963G", "Martine Le Floch", "Conseillère principale d'éducation"),
    ("0352668K", "Élodie Bréhier", "Directrice"),
    ("0352209L", "François Lemoine", "Directeur"),
    ("0350671P", "Gwenaëlle Tanguy", "Directrice"),
)

DEMO_COMMUNES = ("35238", "35315", "35351")


def seed(context) -> None:
    committee = context.committee
    # Idempotent by UAI: a second run finds every school unchanged. Demo seeding is not audited.
    import_schools(committee, EXPORT.read_bytes(), communes=DEMO_COMMUNES, audit=False)
    partners = db.session.scalars(select(Partner).where(Partner.committee_id == committee.id)).all()
    for partner in partners:
        if partner.uai:
            context.partners[partner.uai] = partner
    by_name = {partner.name: partner for partner in partners if not partner.uai}
    for key, kind, name, commune, person, function, email in TERRITORY:
        partner = by_name.get(name)
        if partner is None:
            partner = Partner(committee=committee, kind=kind, name=name, commune_name=commune)
            partner.contacts.append(Contact(full_name=person, function=function, email=email))
            db.session.add(partner)
        if not partner.search_text:
            refresh_search_text(partner)
        context.partners[key] = partner
    for uai, person, function in SCHOOL_CONTACTS:
        school = context.partners[uai]
        if not any(contact.full_name == person for contact in school.contacts):
            first_name = unicodedata.normalize("NFKD", person.split()[0]).encode("ascii", "ignore").decode()
            email = f"{first_name.lower()}.{uai.lower()}@ac-rennes.example.org"  # ASCII: every server takes it
            school.contacts.append(Contact(full_name=person, function=function, email=email))
