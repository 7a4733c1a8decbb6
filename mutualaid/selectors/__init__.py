"""Reads of mutual aid that matter, one module per concern: matching (which offers serve a
need, which needs an offer meets), needs (the lists and one need or offer), claims,
helping (what the help and claim forms are prefilled with, a board post to turn into a
need), campaigns (the lists and the live dashboard)."""
