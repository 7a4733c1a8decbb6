"""REST API of mutual aid under /api/v1/aid/, one module per concern: needs (needs, offers,
their matches, the grid staff's urgent list), claims, campaigns. Parse → service/selector
→ serialize."""
