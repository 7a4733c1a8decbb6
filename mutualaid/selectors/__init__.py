"""Reads of mutual aid that matter, one module per concern: matching (which offers serve a
need, which needs an offer meets), needs (the lists and one need or offer), claims,
campaigns (the lists and the live dashboard)."""
