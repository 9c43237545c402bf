"""Reports and everything staff and reporters do with them, one room per aggregate.

intake/ takes reports in and keeps them sealed; triage/ works them through the workflow; cases/
groups them into incidents and their public summaries; enforcement/ records the decisions taken;
registry/ keeps the models, their lifecycle, cards and lineage. Each room's views module adds its pages to the
one `incidents` blueprint in its `register(bp)`, called here.
"""

from __future__ import annotations

from flask import Blueprint, Flask

# Table modules: imported so that their tables join the metadata before anything creates them.
from incidents import models  # noqa: F401
from incidents.cases import classification_models  # noqa: F401
from incidents.cases import models as case_models  # noqa: F401
from incidents.enforcement import models as enforcement_models  # noqa: F401
from incidents.partners import models as partner_models  # noqa: F401
from incidents.registry import (
    card_models,  # noqa: F401
    review_models,  # noqa: F401
)
from incidents.triage import notifications  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the incidents blueprint with every room's pages, the API description and the demo command."""
    from core.cli import demo_cli
    from core.permissions import add_object_rule
    from incidents import access
    from incidents.cases import public_api
    from incidents.intake import api_spec
    from incidents.models import Report
    from incidents.partners import webhook
    from incidents.partners.cli import partners_cli
    from incidents.registry import licences
    from incidents.registry.cli import registry_cli
    from incidents.seed import demo_seed
    from incidents.triage import home_panels
    from incidents.triage.cli import triage_cli

    bp = Blueprint("incidents", __name__)
    for room in _rooms():
        room.register(bp)
    app.register_blueprint(bp)
    licences.init_app(app)
    api_spec.describe(app)
    webhook.describe(app)
    public_api.describe(app)
    demo_cli.add_command(demo_seed)
    app.cli.add_command(triage_cli)
    app.cli.add_command(registry_cli)
    app.cli.add_command(partners_cli)
    add_object_rule(app, Report, access.report_rule)
    home_panels.init_app(app)
    app.jinja_env.globals["whistleblower_open"] = whistleblower_open


def _rooms() -> tuple:
    """Every module that registers pages on the blueprint, in the order their routes are added."""
    from incidents import error_pages
    from incidents.cases import classify_views, public_api, public_views, source_views
    from incidents.cases import views as case_views
    from incidents.enforcement import appeal_staff_views, appeal_views, statement_views
    from incidents.enforcement import views as enforcement_views
    from incidents.intake import api as intake_api
    from incidents.intake import staff_views as sealed_views
    from incidents.intake import views as intake_views
    from incidents.partners import views as partner_views
    from incidents.partners import webhook
    from incidents.registry import card_views, licence_views, review_views
    from incidents.registry import views as registry_views
    from incidents.triage import duty_views
    from incidents.triage import views as triage_views

    return (
        intake_views,
        intake_api,
        webhook,
        partner_views,
        sealed_views,
        triage_views,
        duty_views,
        case_views,
        source_views,
        classify_views,
        enforcement_views,
        statement_views,
        appeal_views,
        appeal_staff_views,
        registry_views,
        card_views,
        licence_views,
        review_views,
        public_api,
        public_views,
        error_pages,
    )


def whistleblower_open() -> bool:
    """Whether the whistleblower channel has a recipient who can read it (the home page asks before offering it).

    With the database out of reach the home page still shows, offering the channel: its own page says if it is closed.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from core.db import get_session
    from core.errors import storage_unavailable
    from incidents.intake.service import recipients

    try:
        return bool(recipients(get_session()))
    except SQLAlchemyError as error:
        if not storage_unavailable(error):
            raise
        return True  # the request's session is closed at teardown, as after any failed statement
