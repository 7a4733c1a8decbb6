"""The 活动 pages: residents' (pages), organisers' (organiser) and points (points)."""
