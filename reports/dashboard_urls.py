"""/reports/dashboard/: the index, and for each scope its page, figures fragment and CSV."""

from django.urls import path

from reports.selectors.dashboard import SCOPES
from reports.views import dashboard as views

urlpatterns = [path("", views.dashboard_index, name="reports-dashboard")]
for _scope in SCOPES:
    urlpatterns += [
        path(
            f"{_scope}/<int:scope_id>/",
            views.dashboard_page,
            {"scope": _scope},
            name=f"reports-dashboard-{_scope}",
        ),
        path(
            f"{_scope}/<int:scope_id>.csv",
            views.dashboard_csv,
            {"scope": _scope},
            name=f"reports-dashboard-{_scope}-csv",
        ),
        path(
            f"{_scope}/<int:scope_id>/figures/",
            views.dashboard_figures,
            {"scope": _scope},
            name=f"reports-dashboard-{_scope}-figures",
        ),
    ]
