"""Categories and reports in GeoReport v2's words. Plain functions: the output is a
document the spec defines field by field, not a model's fields.

What maps to what: service_code = Category.code; status open/closed =
Report.OPEN_STATES / DONE_STATES; agency_responsible = the handling unit (else the grid
worker, else the community); expected_datetime = the deadline to close; address_id = the
building (MicroGrid) id; media_url = the first photo as reported. Nothing of the
reporter (name, phone) is ever written here.

A resident agreed to show a report on their grid's board, not to the whole internet:
for a resident's report the map point is rounded to about 100 m and its photos are
left out (staff on patrol and civic apps' reports are given in full).
"""

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import Category, CategoryAttribute, Report

LISTS = (CategoryAttribute.Datatype.SINGLE, CategoryAttribute.Datatype.MULTI)


def moment(value) -> str | None:
    """W3C date and time with its offset, as the spec asks."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes.all()),
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


def service_definition(category: Category) -> dict:
    attributes = []
    for order, question in enumerate(category.attributes.all(), start=1):
        attribute = {
            "variable": True,
            "code": question.code,
            "datatype": question.datatype,
            "required": question.required,
            "datatype_description": question.get_datatype_display(),
            "order": order,
            "description": question.description,
        }
        if question.datatype in LISTS:
            attribute["values"] = [
                {"key": str(choice.get("key", "")), "name": str(choice.get("name", ""))}
                for choice in question.values
                if isinstance(choice, dict)
            ]
        attributes.append(attribute)
    return {"service_code": category.code, "attributes": attributes}


def _agency(report: Report) -> str:
    if report.unit_id:
        return report.unit.name
    return _("Grid worker") if report.handler_id else _("Community office")


def _point(report: Report) -> tuple:
    if report.latitude is not None:
        return report.latitude, report.longitude
    building = report.micro_grid
    if building is not None and building.latitude is not None:
        return building.latitude, building.longitude
    return None, None


def service_request(report: Report, *, absolute) -> dict:
    """One public report. `absolute` turns a path into a full URL (the request's)."""
    photos = getattr(report, "report_photos", None)
    if photos is None:
        photos = [p for p in report.photos.all() if p.kind == p.Kind.REPORT]
    lat, lng = _point(report)
    if report.source == Report.Source.RESIDENT:
        photos = []
        if lat is not None:
            lat, lng = round(lat, 3), round(lng, 3)
    is_open = report.state in Report.OPEN_STATES
    return {
        "service_request_id": str(report.pk),
        "status": "open" if is_open else "closed",
        "status_notes": report.result_note or str(Report.State(report.state).label),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": _agency(report),
        "service_notice": "",
        "requested_datetime": moment(report.created_at),
        "updated_datetime": moment(report.updated_at),
        "expected_datetime": moment(report.close_due) if is_open else None,
        "address": report.address or (report.micro_grid.label if report.micro_grid else ""),
        "address_id": str(report.micro_grid_id) if report.micro_grid_id else None,
        "zipcode": None,
        "lat": float(lat) if lat is not None else None,
        "long": float(lng) if lng is not None else None,
        "media_url": absolute(default_storage.url(photos[0].image)) if photos else None,
    }
