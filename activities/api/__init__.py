"""REST API of activities (/api/v1/activities/), one module per concern: publishing,
signups, attendance. Parse → service/selector → serialize."""
