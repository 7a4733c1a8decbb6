"""Moved to `mutualaid.selectors.campaigns`. Kept only while `mutualaid/consumers.py` still
reads the dashboard from here; delete it once that import follows."""

from mutualaid.selectors.campaigns import campaign_dashboard

__all__ = ["campaign_dashboard"]
