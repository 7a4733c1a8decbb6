"""The page forms of mutual aid and the quantity chips every one of them shares.

A quantity is chosen by chips (5 / 10 / 20 / 50, "all N", the prefilled amount) or typed
in the "other amount" box beside them; the typed amount wins when both are sent. The
chips are plain radio inputs, so the pages work without a script."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import CleanTextForm
from mutualaid.models import Category, Offer

CHIP_VALUES = (5, 10, 20, 50)
# What a neighbour usually asks for at once, by kind: the ask page's prefill.
USUAL_QUANTITY = {Category.Kind.GOODS: 10, Category.Kind.SERVICE: 1}


def quantity_chips(*, prefill: int | None, cap: int | None = None) -> list[dict]:
    """The chips to show: the usual amounts up to `cap`, the prefilled amount, and "all"
    (`cap` itself) when there is a cap. One chip is checked: the prefill."""
    values = {v for v in CHIP_VALUES if cap is None or v < cap}
    if prefill:
        values.add(prefill)
    chips = [
        {"value": v, "label": str(v), "checked": v == prefill, "all": False}
        for v in sorted(values)
        if cap is None or v < cap
    ]
    if cap:
        chips.append(
            {
                "value": cap,
                "label": _("All %(n)s") % {"n": f"{cap:,}"},
                "checked": prefill == cap,
                "all": True,
            }
        )
    return chips


def quantity_from(data, name: str = "quantity") -> int | None:
    """The quantity a chips form sent: the typed "other amount" if any, else the chip.
    None when it is not a whole number (the service then refuses it with its message)."""
    raw = (data.get(f"{name}_other") or "").strip() or (data.get(name) or "").strip()
    if raw.isascii() and raw.isdecimal() and len(raw) <= 7:
        return int(raw)
    return None


class CategoryChoiceField(forms.TypedChoiceField):
    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)


class NeedAskForm(CleanTextForm, forms.Form):
    """The ask page: a kind of help (chips), a quantity (chips), an optional note."""

    category = CategoryChoiceField(label=gettext_lazy("What do you need?"))
    description = forms.CharField(
        label=gettext_lazy("A note for your neighbours (optional)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. for my mother, aged 80")}),
    )
    urgent = forms.BooleanField(label=gettext_lazy("It is urgent"), required=False)
    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Part of a campaign (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, categories=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.fields["category"].choices = [(c.pk, c.name) for c in self.categories]
        if campaigns:
            self.fields["campaign"].choices = [("", _("No"))] + [(c.pk, c.title) for c in campaigns]
            self.fields["campaign"].initial = ""
        else:
            del self.fields["campaign"]


def usual_quantity(category: Category | None) -> int:
    """Before a kind is chosen: the usual amount of a thing (most asks are for goods)."""
    kind = category.kind if category is not None else Category.Kind.GOODS
    return USUAL_QUANTITY.get(kind, 1)


HANDOVER_CHOICES = Offer.Handover.choices
