"""The home page: what each person has to do today, by the roles they hold. Thin over
`today.selectors` (the reads) and `today.steps` (the words for what happens next)."""

from django.shortcuts import render

from grids.forms import JoinCodeForm
from today import steps
from today.selectors import home as selectors


def home(request):
    context = {"code_form": JoinCodeForm()}
    if request.user.is_authenticated:
        today = selectors.today_for(request.user)
        context["today"] = today
        if today.resident is not None:
            resident = today.resident
            context["mine"] = [
                *(steps.claim_step(c, viewer=request.user) for c in resident.claims),
                *(steps.need_step(n) for n in resident.needs),
                *(steps.signup_step(s) for s in resident.signups),
            ]
            context["nearby"] = [steps.nearby_step(n) for n in resident.nearby]
    return render(request, "today/home.html", context)
