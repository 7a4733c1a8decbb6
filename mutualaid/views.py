from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    """The 互助 tab. Needs, offers and matching arrive with the mutual-aid feature."""
    return render(request, "mutualaid/index.html")
