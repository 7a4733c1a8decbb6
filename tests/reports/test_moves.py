"""One table of moves (viewing.MOVE_SERVICES) serves the pages and the API: every move a
viewer may be offered has a service, a page form and an API body, and each form and body
gives the service exactly the values it takes."""

import inspect

import pytest

from reports import viewing
from reports.api.reports import MOVE_BODIES, MOVE_VIEWS
from reports.views.reports import MOVE_FORMS


def test_every_offered_move_has_a_service_a_form_and_a_body():
    assert set(viewing.ACTIONS) == set(viewing.MOVE_SERVICES)
    assert set(MOVE_FORMS) == set(viewing.MOVE_SERVICES)
    assert set(MOVE_BODIES) == set(MOVE_VIEWS) == set(viewing.MOVE_SERVICES)


@pytest.mark.parametrize("name", list(viewing.MOVE_SERVICES))
def test_the_form_and_the_body_give_the_service_its_arguments(name):
    service, fields = viewing.MOVE_SERVICES[name]
    taken = set(inspect.signature(service).parameters) - {"actor", "report_id", "now"}
    given = {viewing.MOVE_ARGUMENTS.get(f, f) for f in fields}
    required = {
        p.name
        for p in inspect.signature(service).parameters.values()
        if p.default is inspect.Parameter.empty and p.name not in ("actor", "report_id")
    }
    assert required <= given <= taken
    form, body = MOVE_FORMS[name], MOVE_BODIES[name][0]
    if fields:
        assert set(fields) <= set(form.base_fields)
        assert set(fields) <= set(body().fields)
    else:
        assert form is None and body is None
