from flask import Blueprint

bp = Blueprint("compliance", __name__)
