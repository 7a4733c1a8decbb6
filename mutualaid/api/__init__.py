"""REST API of mutual aid under /api/v1/aid/, one module per concern: needs (needs, offers,
their matches, the grid staff's urgent list), claims, helping (help straight from a need,
the claim form's prefill, a board post turned into a need), campaigns. Parse → service/selector
→ serialize."""
