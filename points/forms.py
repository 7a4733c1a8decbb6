from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CleanTextForm


class RewardForm(CleanTextForm, forms.Form):
    name = forms.CharField(label=_("Reward"), max_length=40)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    cost = forms.IntegerField(label=_("Points"), min_value=1, max_value=1_000_000)
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)


class RewardStockForm(CleanTextForm, forms.Form):
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=1_000_000)
    active = forms.BooleanField(label=_("On offer"), required=False)


class CollectForm(CleanTextForm, forms.Form):
    code = forms.CharField(label=_("Collection code"), max_length=6, min_length=6)


class CorrectForm(CleanTextForm, forms.Form):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)
