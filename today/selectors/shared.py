"""Query pieces the concerns share."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from grids.models import ContentState, Post, PostKind


def count_of(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset, as a column of the outer query."""
    counted = queryset.order_by().values(n=Func(F("pk"), function="COUNT"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sum_of(queryset: QuerySet, column: str) -> Coalesce:
    summed = queryset.order_by().values(total=Func(F(column), function="SUM"))
    return Coalesce(Subquery(summed, output_field=IntegerField()), 0)


def notice_posts_on_boards() -> QuerySet[Post]:
    """Notice cards still on a board: not withdrawn (hidden), not superseded."""
    return Post.objects.filter(
        kind=PostKind.NOTICE,
        state=ContentState.VISIBLE,
        notice__withdrawn_at__isnull=True,
        notice__superseded_by__isnull=True,
    )
