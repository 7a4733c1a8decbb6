from django import template

register = template.Library()


@register.filter
def grouped(value) -> str:
    """12430 → "12,430": thousands marked the same way in every language (the live
    dashboard's script writes them alike)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
