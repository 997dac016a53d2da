from flask import Blueprint

bp = Blueprint("dossier", __name__)
