"""REST API of the grid boards (posts, comments, reactions, reports, catch-up):
parse → service/selector → serialize. Notices and moderation have modules of their own."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERRORS, NewestFirstCursorPagination, id_parse
from core.parsers import FormParser, MultiPartParser, ObjectJSONParser
from core.photos import photo_url_maker
from grids import permissions
from grids.errors import OutOfScope
from grids.events import event_for_viewer, event_message
from grids.models import Comment, Post, PostKind
from grids.selectors import board as selectors
from grids.selectors.places import grid_by_id, grid_for_reader
from grids.serializers.board import (
    CommentCreateSerializer,
    CommentSerializer,
    FlagCreateSerializer,
    PostCreateSerializer,
    PostSerializer,
    PostUpdateSerializer,
    ReactionSerializer,
    card_data,
)
from grids.services import moderation, posts
from residents.models import User


class FeedFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PostKind.choices)
    author = django_filters.NumberFilter(label=_("author id"), min_value=1, max_value=2**63 - 1)
    has_photos = django_filters.BooleanFilter()
    q = django_filters.CharFilter(label=_("text contains"), max_length=50)

    class Meta:
        model = Post
        fields = ["kind", "author", "has_photos", "q"]


class FeedPagination(NewestFirstCursorPagination):
    page_size = 20
    max_page_size = 100


FEED_PAGE = inline_serializer(
    "FeedPage",
    {
        "seq": serializers.IntegerField(help_text="The board's last event seq when read"),
        "pinned": PostSerializer(many=True),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": PostSerializer(many=True),
    },
)


def _post(user: User, post_id: int) -> Post:
    return permissions.require_read_post(user, selectors.post_by_id(post_id))


class GridPostsView(APIView):
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=PostKind.values),
            OpenApiParameter("author", int, description="Only posts by this member"),
            OpenApiParameter("has_photos", bool),
            OpenApiParameter("q", str, description="Text contains"),
            OpenApiParameter("cursor", str, description="From the `next` link"),
            OpenApiParameter("page_size", int, description="Up to 100 (default 20)"),
        ],
        responses={200: FEED_PAGE, **ERRORS},
        summary="A grid's board, newest first; pinned notices on the first page",
    )
    def get(self, request, grid_id: int):
        grid = permissions.require_view_grid(request.user, grid_for_reader(grid_id, request.user))
        wanted = {}
        if any(name in request.query_params for name in FeedFilter.base_filters):
            filters = FeedFilter(request.query_params, queryset=Post.objects.none())
            if not filters.is_valid():
                raise ValidationError(filters.errors)
            wanted = filters.form.cleaned_data
        # The seq comes with the grid row, read before the posts: an event that lands
        # in between is replayed on resume and the client drops the duplicate by post id.
        seq = grid.board_seq
        paginator = FeedPagination()
        # The pinned notices come with the page's posts in one query when the cursor says
        # first page before any post is read (no cursor, or a forward one at the top);
        # a backward cursor learns it only from what it read, and asks for them apart.
        cursor = paginator.decode_cursor(request)
        if cursor is not None and cursor.position is not None and id_parse(cursor.position) is None:
            raise NotFound(paginator.invalid_cursor_message)
        feed = selectors.feed_cards(
            viewer=request.user,
            grid=grid,
            kind=wanted.get("kind") or None,
            author_id=wanted.get("author"),
            has_photos=wanted.get("has_photos"),
            q=wanted.get("q") or None,
            with_pinned=cursor is None
            or (not cursor.reverse and cursor.position is None and cursor.offset == 0),
        )
        page = paginator.paginate_queryset(feed, request, view=self)
        previous = paginator.get_previous_link()
        if previous is not None:
            pinned = []
        elif feed.pinned_at is not None:
            pinned = feed.pinned
        else:
            pinned = selectors.pinned_cards(grid=grid)
        selectors.cards_decorate([*pinned, *page], viewer=request.user)
        write = {
            "url": photo_url_maker(),
            "now": timezone.now(),
            "tz": timezone.get_current_timezone(),
        }
        return Response(
            {
                "seq": seq,
                "pinned": [card_data(card, **write) for card in pinned],
                "next": paginator.get_next_link(),
                "previous": previous,
                "results": [card_data(card, **write) for card in page],
            }
        )

    @extend_schema(
        request={"multipart/form-data": PostCreateSerializer},
        responses={201: PostSerializer, **ERRORS},
        summary="Post on a grid's board (up to 9 photos, field `photos`)",
    )
    def post(self, request, grid_id: int):
        grid = permissions.require_view_grid(request.user, grid_by_id(grid_id))
        data = PostCreateSerializer(
            data={
                "kind": request.data.get("kind", PostKind.CHAT),
                "body": request.data.get("body", ""),
                "photos": request.FILES.getlist("photos"),
            }
        )
        data.is_valid(raise_exception=True)
        post = posts.post_create(actor=request.user, grid=grid, **data.validated_data)
        return Response(_post_data(request.user, post.pk), status=status.HTTP_201_CREATED)


def _post_data(user: User, post_id: int) -> dict:
    post = _post(user, post_id)
    selectors.posts_decorate([post], viewer=user)
    return PostSerializer(post).data


class PostDetailView(APIView):
    @extend_schema(responses={200: PostSerializer, **ERRORS}, summary="One post")
    def get(self, request, post_id: int):
        return Response(_post_data(request.user, post_id))

    @extend_schema(
        request=PostUpdateSerializer,
        responses={200: PostSerializer, **ERRORS},
        summary="Edit my post",
    )
    def patch(self, request, post_id: int):
        data = PostUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        posts.post_update(actor=request.user, post_id=post_id, **data.validated_data)
        return Response(_post_data(request.user, post_id))

    @extend_schema(responses={204: None, **ERRORS}, summary="Delete my post")
    def delete(self, request, post_id: int):
        posts.post_delete(actor=request.user, post_id=post_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostCommentsView(APIView):
    @extend_schema(responses={200: CommentSerializer(many=True), **ERRORS}, summary="Comments")
    def get(self, request, post_id: int):
        post = _post(request.user, post_id)
        selectors.posts_decorate([post], viewer=request.user, comments_limit=None)
        return Response(CommentSerializer(post.comment_list, many=True).data)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **ERRORS},
        summary="Comment on a post (`reply_to`: the comment being answered)",
    )
    def post(self, request, post_id: int):
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = posts.comment_create(
            actor=request.user,
            post_id=post_id,
            body=data.validated_data["body"],
            reply_to_id=data.validated_data["reply_to"],
        )
        comment = Comment.objects.select_related("author", "reply_to__author").get(pk=comment.pk)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailView(APIView):
    @extend_schema(responses={204: None, **ERRORS}, summary="Delete my comment")
    def delete(self, request, comment_id: int):
        posts.comment_delete(actor=request.user, comment_id=comment_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


REACTIONS = inline_serializer(
    "ReactionCounts", {"reactions": serializers.DictField(child=serializers.IntegerField())}
)


class PostReactionsView(APIView):
    @extend_schema(
        request=ReactionSerializer,
        responses={200: REACTIONS, **ERRORS},
        summary="Add (`on`: true) or take back a reaction",
    )
    def post(self, request, post_id: int):
        data = ReactionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        counts = posts.reaction_set(actor=request.user, post_id=post_id, **data.validated_data)
        return Response({"reactions": counts})


FLAGGED = inline_serializer("Flagged", {"id": serializers.IntegerField()})


class PostFlagView(APIView):
    @extend_schema(
        request=FlagCreateSerializer, responses={201: FLAGGED, **ERRORS}, summary="Report a post"
    )
    def post(self, request, post_id: int):
        data = FlagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = moderation.flag_create(actor=request.user, post_id=post_id, **data.validated_data)
        return Response({"id": flag.pk}, status=status.HTTP_201_CREATED)


class CommentFlagView(APIView):
    @extend_schema(
        request=FlagCreateSerializer, responses={201: FLAGGED, **ERRORS}, summary="Report a comment"
    )
    def post(self, request, comment_id: int):
        data = FlagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post_id = selectors.comment_post_id(comment_id)
        if post_id is None:
            raise OutOfScope()
        flag = moderation.flag_create(
            actor=request.user,
            post_id=post_id,
            comment_id=comment_id,
            **data.validated_data,
        )
        return Response({"id": flag.pk}, status=status.HTTP_201_CREATED)


EVENTS = inline_serializer(
    "BoardEvents",
    {
        "seq": serializers.IntegerField(),
        "events": serializers.ListField(child=serializers.DictField()),
        "more": serializers.BooleanField(),
    },
)


class GridEventsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("after", int, required=True)],
        responses={200: EVENTS, **ERRORS},
        summary="Every board event after a seq, in order (catch-up after a reconnect)",
    )
    def get(self, request, grid_id: int):
        grid = permissions.require_view_grid(request.user, grid_by_id(grid_id))
        try:
            after = int(request.query_params.get("after", ""))
        except ValueError:
            raise ValidationError({"after": [_("A whole number, the last seq you saw.")]}) from None
        if after < 0:
            raise ValidationError({"after": [_("A whole number, the last seq you saw.")]})
        rows = selectors.events_after(grid_id=grid.pk, after=after)
        muted = set(selectors.muted_ids(request.user).values_list("muted_id", flat=True))
        events = [event_for_viewer(event_message(e), muted=muted) for e in rows]
        seq = events[-1]["seq"] if events else after
        return Response(
            {"seq": seq, "events": events, "more": len(rows) == selectors.EVENTS_PER_RESUME}
        )
