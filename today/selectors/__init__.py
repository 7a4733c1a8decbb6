"""Reads for the home page ("today") and the tab bar's badges, by concern: `badges`,
`resident`, `staff` (the grid worker's and the cadre's parts), `home` (all of a person's
parts in order). Home reads from every app, so `today` ranks above them all and may use
their models and selectors. Each part costs a fixed number of queries whatever the number
of items (tests/today/test_queries.py):

- roles: the open membership (1); the grid worker's and the cadre's parts start with the
  query that finds their grids or communities, so a resident pays nothing for them (2);
- resident: latest notice, my needs, my claims, my sign-ups, needs nearby (5);
- grid worker: one query over the grids served, every figure a correlated subquery (1);
- cadre: overdue figures, urgent needs by grid, unconfirmed attendance, notices and their
  read rates (4), running campaigns with their totals (2), today's activities (1);
- the tab bar's badges: two, run only when a page shows them.
"""
