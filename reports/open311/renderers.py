"""The two formats of GeoReport v2: the same document as JSON (a list or an object) and as
XML under the spec's root element (`<services>`, `<service_definition>`,
`<service_requests>`, `<errors>`), a list's items named as the spec names them."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

# A list under this name holds elements of that name.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Document:
    root: str
    body: list | dict


class Open311JSONRenderer(JSONRenderer):
    format = "json"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, Document):
            data = data.body
        return super().render(data, accepted_media_type, renderer_context)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list):
        item = ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, Document):
            data = Document("errors", [])
        root = ET.Element(data.root)
        _fill(root, data.body)
        text = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


class SuffixNegotiation(DefaultContentNegotiation):
    """The format is the path's suffix (`services.xml`), nothing else: XML, the spec's
    required format, when there is none."""

    def select_renderer(self, request, renderers, format_suffix=None):
        for renderer in renderers:
            if renderer.format == format_suffix:
                return renderer, renderer.media_type
        return renderers[0], renderers[0].media_type
