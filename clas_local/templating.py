"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, url_for
from flask_login import current_user

from clas_local import i18n
from clas_local.text import one_line


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.template_filter("date_fr")
    def date_fr(value: date | datetime | None, timezone: str = "Europe/Paris", weekday: bool = True) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = i18n.local(value, timezone).date()
        return i18n.format_day(value, weekday=weekday)

    @app.template_filter("datetime_fr")
    def datetime_fr(value: datetime | None, timezone: str = "Europe/Paris") -> str:
        return i18n.format_datetime(value, timezone) if value else ""

    @app.template_filter("time_fr")
    def time_fr(value: datetime | None, timezone: str = "Europe/Paris") -> str:
        return i18n.format_time(i18n.local(value, timezone)) if value else ""

    @app.template_filter("range_fr")
    def range_fr(start: datetime, end: datetime, timezone: str = "Europe/Paris") -> str:
        return i18n.format_time_range(start, end, timezone)

    # Text bound for one line (a PDF's title, …): line breaks become spaces.
    app.add_template_filter(one_line, "one_line")

    @app.template_filter("filesize_fr")
    def filesize_fr(size: int) -> str:
        if size < 1024:
            return f"{size} o"
        if size < 1024 * 1024:
            return f"{size / 1024:.0f} Ko".replace(".", ",")
        return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")

    app.add_template_filter(i18n.plural, "plural")
    app.add_template_filter(i18n.local_time_label, "local_time")

    @app.context_processor
    def navigation():
        from clas_local.navigation import committee_navigation, department_url

        return {"committee_navigation": committee_navigation, "department_url": department_url,
                "current_user": current_user}

    @app.template_global()
    def accessibility_status() -> str:
        """« totalement conforme »…, from the RGAA audit, for every page's footer."""
        from clas_local.accessibility import AUDIT

        return AUDIT.status

    from clas_local.department.models import departement_label

    app.add_template_global(departement_label, "departement_label")

    @app.template_global()
    def static_url(filename: str) -> str:
        return url_for("static", filename=filename)
