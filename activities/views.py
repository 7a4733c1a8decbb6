from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    """The 活动 tab. Activities, sign-ups and points arrive with the activities feature."""
    return render(request, "activities/index.html")
