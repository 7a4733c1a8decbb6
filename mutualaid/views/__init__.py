"""The 互助 tab's pages, one module per concern: needs (the tab, asking or offering in three
taps, a need or offer with its matches, the grid worker's urgent list), claims (a claim
with its handover code), helping (the ask page, 我来帮忙 on a need, 转为互助 for a board
post), campaigns. Thin over services, like the API."""
