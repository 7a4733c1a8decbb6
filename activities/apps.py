from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities and volunteers")

    def ready(self) -> None:
        from activities.selectors import volunteer_hours_summary
        from points.selectors import summary_part_register

        summary_part_register(volunteer_hours_summary)
