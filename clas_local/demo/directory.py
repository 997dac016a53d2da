"""Demo directory: real schools of the national directory export, and the territory's actors."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.partners.models import Contact, EducationPrioritaire, Partner, PartnerKind, Sector

EXPORT = Path(__file__).parent / "data" / "fr-en-annuaire-education-ille-et-vilaine-2023.csv"
KINDS = {"Ecole": PartnerKind.ECOLE, "Collège": PartnerKind.COLLEGE, "Lycée": PartnerKind.LYCEE}
EP = {"REP": EducationPrioritaire.REP, "REP+": EducationPrioritaire.REP_PLUS}

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

DEMO_COMMUNES = {"35238", "35315", "35351"}


def _school_rows():
    with EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["Code_commune"] in DEMO_COMMUNES and row["Type_etablissement"] in KINDS:
                yield row


def seed(context) -> None:
    committee = context.committee
    existing = {p.uai or p.name: p for p in db.session.scalars(select(Partner).where(Partner.committee_id == committee.id))}
    for row in _school_rows():
        uai = row["Identifiant_de_l_etablissement"]
        if uai in existing:
            context.partners[uai] = existing[uai]
            continue
        partner = Partner(
            committee=committee,
            kind=KINDS[row["Type_etablissement"]],
            name=row["Nom_etablissement"],
            uai=uai,
            education_prioritaire=EP.get(row["Appartenance_Education_Prioritaire"], EducationPrioritaire.NONE),
            sector=Sector.PRIVATE if row["Statut_public_prive"].lower().startswith("priv") else Sector.PUBLIC,
            address=row["Adresse_1"],
            postcode=row["Code postal"],
            commune_code=row["Code_commune"],
            commune_name=row["Nom_commune"],
            phone=row["Telephone"],
            email=row["Mail"],
            circonscription=row["nom_circonscription"],
        )
        db.session.add(partner)
        context.partners[uai] = partner
    for key, kind, name, commune, person, function, email in TERRITORY:
        partner = existing.get(name)
        if partner is None:
            partner = Partner(committee=committee, kind=kind, name=name, commune_name=commune)
            partner.contacts.append(Contact(full_name=person, function=function, email=email))
            db.session.add(partner)
        context.partners[key] = partner
    for uai, person, function in SCHOOL_CONTACTS:
        school = context.partners[uai]
        if not any(contact.full_name == person for contact in school.contacts):
            email = f"{person.split()[0].lower()}.{uai.lower()}@ac-rennes.example.org"
            school.contacts.append(Contact(full_name=person, function=function, email=email))
