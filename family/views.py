"""The family-help pages: thin, every write through family.services."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def help_page(request):
    """How a family member can help: reachable without signing in (linked from the sign-in pages)."""
    return render(request, "family/help.html")


@login_required
def home(request):
    """Who may act for me, for whom I may act, and what was done in my name."""
    return render(request, "family/home.html")
