"""Business actions on activities, one module per concern: publishing, shifts, signups,
checkin (and attendance), reminders; states holds the sign-up transition table.

Lock order, everywhere: slot rows (by id) → sign-up rows → the activity row (its
version, bumped last). A sign-up or cancellation takes its slot's lock first, so the
slot's counters are exact and a freed place goes to the first on the waitlist in the
same transaction. Cancelling an activity holds all its slots before anything else.
"""
