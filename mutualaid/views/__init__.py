"""The 互助 tab's pages, one module per concern: needs (the tab, asking or offering in three
taps, a need or offer with its matches, the grid worker's urgent list), claims (a claim
with its handover code), campaigns. Thin over services, like the API."""
