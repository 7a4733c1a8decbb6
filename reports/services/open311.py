"""Civic apps (Open311 GeoReport v2): a cadre issues a client its key, the client posts
service requests with it, and each request becomes an ordinary report (routed,
deadlined, followed through the same states).

Keys: only the sha256 of a key and its first characters are stored; the key itself is
shown once, to the cadre who issued it. A key is found by its hash, so there is nothing
to compare in constant time, and a key never reaches a log or an error message.
"""

import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from grids.models import Community
from grids.permissions import can_manage_community
from reports.errors import NotAllowed, ReportInvalid
from reports.models import Category, CategoryAttribute, Open311Client, Report
from reports.services import submitting
from residents.models import User

KEY_HINT_CHARS = 6
# An attribute answer that is not long text fits a short line.
SHORT_ANSWER_CHARS = 200
LONG_ANSWER_CHARS = 500
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")

D = CategoryAttribute.Datatype


class Open311KeyInvalid(NotAllowed):
    code = "open311_key_invalid"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def client_issue(
    *, actor: User, name: str, community: Community, client: Open311Client | None = None
) -> tuple[Open311Client, str]:
    """A new key for a civic app of `community`: returns the client and the key, which
    is shown once and never stored. `client` (unsaved, from the admin form) is filled in
    rather than a new one made."""
    if not can_manage_community(actor, community):
        raise NotAllowed(_("Only the community's cadres can issue keys for it."))
    name = (name or "").strip()
    if not name or len(name) > Open311Client._meta.get_field("name").max_length:
        raise ReportInvalid(_("Give the app a name of up to 60 characters."))
    client = client or Open311Client()
    client.name = name
    client.community = community
    return client, _key_set(client, actor=actor)


def _key_set(client: Open311Client, *, actor: User) -> str:
    key = secrets.token_urlsafe(32)
    client.key_hash = key_hash(key)
    client.key_hint = key[:KEY_HINT_CHARS]
    client.issued_by = actor
    client.save()
    return key


@transaction.atomic
def client_rekey(*, actor: User, client_id: int) -> tuple[Open311Client, str]:
    """A new key for a client (the old one was lost or leaked): the old key stops at once."""
    client = Open311Client.objects.select_for_update().filter(pk=client_id).first()
    if client is None or not can_manage_community(actor, client.community):
        raise NotAllowed(_("Only the community's cadres can issue keys for it."))
    return client, _key_set(client, actor=actor)


def client_for_key(key: str | None) -> Open311Client:
    """The active client whose key this is, or 403."""
    key = (key or "").strip()
    client = None
    if key and len(key) <= 200:
        client = (
            Open311Client.objects.select_related("community")
            .filter(key_hash=key_hash(key), active=True)
            .first()
        )
    if client is None:
        raise Open311KeyInvalid(_("The api_key is missing, unknown or no longer valid."))
    return client


def attributes_parse(data) -> dict[str, list[str]]:
    """`attribute[code]=value` and `attribute[code][]=value` form fields, by code."""
    found: dict[str, list[str]] = {}
    for field in data:
        match = ATTRIBUTE_KEY.match(field)
        if match:
            found.setdefault(match.group(1), []).extend(data.getlist(field))
    return found


def _answer(question: CategoryAttribute, values: list[str]):
    values = [str(v).strip() for v in values if str(v).strip()]
    if not values:
        return None
    wrong = ReportInvalid(
        _("The answer to “%(question)s” is not valid.") % {"question": question.description}
    )
    keys = {str(choice.get("key")) for choice in question.values if isinstance(choice, dict)}
    if question.datatype == D.MULTI:
        if not set(values) <= keys:
            raise wrong
        return values
    if len(values) > 1:
        raise wrong
    value = values[0]
    if question.datatype == D.SINGLE:
        if value not in keys:
            raise wrong
        return value
    if question.datatype == D.NUMBER:
        try:
            number = Decimal(value)
        except (InvalidOperation, ValueError):
            raise wrong from None
        if not number.is_finite() or len(value) > 40:
            raise wrong
        return value
    if question.datatype == D.DATETIME:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise wrong
        return moment.isoformat()
    limit = LONG_ANSWER_CHARS if question.datatype == D.TEXT else SHORT_ANSWER_CHARS
    if len(value) > limit:
        raise ReportInvalid(_("Please keep it under %(n)d characters.") % {"n": limit})
    return value


def attributes_clean(*, category: Category, answers: dict[str, list[str]]) -> dict:
    """Answers checked against the category's questions: known codes only, every
    required one answered, numbers, dates and list choices as the question says."""
    questions = {q.code: q for q in category.attributes.all()}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise ReportInvalid(
            _("This service has no attribute “%(code)s”.") % {"code": unknown[0][:40]}
        )
    cleaned = {}
    for code, question in questions.items():
        value = _answer(question, answers.get(code, []))
        if value is None:
            if question.required:
                raise ReportInvalid(
                    _("Please answer “%(question)s”.") % {"question": question.description}
                )
            continue
        cleaned[code] = value
    return cleaned


def request_submit(
    *,
    client: Open311Client,
    service_code: str,
    latitude=None,
    longitude=None,
    address: str = "",
    address_id: int | None = None,
    answers: dict[str, list[str]] | None = None,
    description: str = "",
    contact_phone: str = "",
) -> Report:
    """A civic app's service request, in its key's community, as an ordinary report.
    A phone given with the request is the reporter's consent to be called back; the
    person's name is not kept (neighbours and the unit see the app's name)."""
    category = (
        Category.objects.prefetch_related("attributes")
        .filter(code=(service_code or "").strip()[:40], active=True)
        .first()
    )
    if category is None:
        raise ReportInvalid(_("There is no service with this service_code."))
    attributes = attributes_clean(category=category, answers=answers or {})
    place = submitting.place_resolve(
        actor=None,
        community_id=client.community_id,
        micro_grid_id=address_id,
        latitude=latitude,
        longitude=longitude,
        address=address,
    )
    contact_phone = (contact_phone or "").strip()
    return submitting.report_create(
        actor=None,
        client=client,
        category=category,
        place=place,
        description=description,
        attributes=attributes,
        contact_phone=contact_phone,
        contact_ok=bool(contact_phone),
        not_duplicate=True,
    )
