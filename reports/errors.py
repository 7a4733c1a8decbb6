from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, ServiceError  # noqa: F401


class ReportInvalid(ServiceError):
    code = "report_invalid"


class ReportNoPlace(ServiceError):
    code = "report_no_place"

    def __init__(self):
        super().__init__(
            _("Say where it is: choose a building, put a point on the map or describe the place.")
        )


class ReportNoGrid(ServiceError):
    status = 403
    code = "report_no_grid"

    def __init__(self):
        super().__init__(
            _("Join your grid first (scan the QR code on your building), then report a problem.")
        )


class ReportStateConflict(Conflict):
    """Someone else moved the report first, or the move does not exist from its state."""

    code = "report_state"


class ReportNotYours(NotAllowed):
    code = "report_not_yours"
