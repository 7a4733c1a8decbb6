"""Report services, split by concern: `routing` (which unit), `submitting` (a new report,
duplicates and +1), `handling` (the lifecycle: accept, update, close, confirm, reopen,
return, re-route, withdraw, rate), `escalation` (deadlines and auto-confirmation, with an
injectable clock), `stats` (the dashboards' weekly figures) and `states` (what they share:
the move table, the timeline, the live events)."""
