from flask import Blueprint

bp = Blueprint("invitations", __name__)
