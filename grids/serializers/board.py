"""Board shapes. A post's JSON is the same in the feed, in its live event and on
resume; what differs per viewer (my reactions) is filled from attributes the
selector sets, never by queries in here."""

from collections.abc import Callable

from django.core.files.storage import default_storage
from rest_framework import serializers

from core.api import moment
from core.photos import photo_url_maker
from grids.models import (
    COMMENT_MAX_CHARS,
    NOTICE_MAX_CHARS,
    NOTICE_TITLE_MAX_CHARS,
    POST_MAX_CHARS,
    Comment,
    Flag,
    ModerationAction,
    Notice,
    Post,
    PostKind,
    Reaction,
)


def author_data(user, *, role: str = "", building: str | None = None) -> dict:
    return {"id": user.pk, "display_name": user.display_name, "role": role, "building": building}


def comment_data(comment: Comment) -> dict:
    """A comment as CommentSerializer declares it, built directly: the feed builds
    hundreds of these per page, and nested serializer fields cost more than the SQL."""
    reply_to = None
    if comment.reply_to_id is not None and comment.reply_to is not None:
        reply_to = {"id": comment.reply_to_id, "author_name": comment.reply_to.author.display_name}
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "author": author_data(comment.author, role=comment.author_role),
        "body": comment.body,
        "reply_to": reply_to,
        "created_at": moment(comment.created_at),
    }


def card_data(card: dict, *, url: Callable[[str], str], now, tz) -> dict:
    """A post as PostSerializer declares it (tests hold the two equal), from the rows of
    `selectors.feed_cards` + `cards_decorate`; `url` from `photo_url_maker`, `now` for
    whether its notice is still pinned, `tz` the current time zone."""
    comments = []
    for c in card["comments"]:
        comments.append(
            {
                "id": c["id"],
                "post": c["post_id"],
                "author": {
                    "id": c["author_id"],
                    "display_name": c["author.display_name"],
                    "role": c["author_role"],
                    "building": None,
                },
                "body": c["body"],
                "reply_to": None
                if c["reply_to_id"] is None or c["reply.id"] is None
                else {"id": c["reply_to_id"], "author_name": c["reply_author.display_name"]},
                "created_at": moment(c["created_at"], tz),
            }
        )
    notice = None
    if card["notice_id"]:
        until = card["notice.pinned_until"]
        notice = {
            "id": card["notice_id"],
            "title": card["notice.title"],
            "category": card["notice.category"],
            "pinned": card["notice.unpinned_at"] is None
            and card["notice.withdrawn_at"] is None
            and card["notice.superseded_by_id"] is None
            and (until is None or until > now),
            "pinned_until": moment(until, tz),
            "superseded_by": card["notice.superseded_by_id"],
        }
    return {
        "id": card["id"],
        "grid": card["grid_id"],
        "kind": card["kind"],
        "author": {
            "id": card["author_id"],
            "display_name": card["author.display_name"],
            "role": card["author_role"],
            "building": card["building.label"] if card["micro_grid_id"] else None,
        },
        "body": card["body"],
        "photos": [
            {
                "url": url(photo["image"]),
                "thumb_url": url(photo["thumb"]),
                "width": photo["width"],
                "height": photo["height"],
            }
            for photo in card["photos"]
        ],
        "comment_count": card["comment_count"],
        "comments": comments,
        "reactions": card["reactions"],
        "my_reactions": sorted(card["my_reactions"]),
        "notice": notice,
        "ref": {"type": card["ref_type"], "id": card["ref_id"], "state": card["ref_state"]}
        if card["ref_type"]
        else None,
        "created_at": moment(card["created_at"], tz),
        "edited_at": moment(card["edited_at"], tz),
    }


def post_data(post: Post) -> dict:
    """A post as PostSerializer declares it (tests hold the two equal), built directly."""
    notice = post.notice if post.notice_id else None
    url = photo_url_maker()
    return {
        "id": post.pk,
        "grid": post.grid_id,
        "kind": post.kind,
        "author": author_data(
            post.author,
            role=post.author_role,
            building=post.micro_grid.label if post.micro_grid_id else None,
        ),
        "body": post.body,
        "photos": [
            {
                "url": url(photo.image.name),
                "thumb_url": url(photo.thumb.name),
                "width": photo.width,
                "height": photo.height,
            }
            for photo in getattr(post, "photo_list", ())
        ],
        "comment_count": post.comment_count,
        "comments": [comment_data(c) for c in getattr(post, "comment_list", ())],
        "reactions": getattr(post, "reaction_counts", {}),
        "my_reactions": sorted(getattr(post, "my_reactions", ())),
        "notice": None
        if notice is None
        else {
            "id": notice.pk,
            "title": notice.title,
            "category": notice.category,
            "pinned": notice.is_pinned(),
            "pinned_until": moment(notice.pinned_until),
            "superseded_by": notice.superseded_by_id,
        },
        "ref": {"type": post.ref_type, "id": post.ref_id, "state": post.ref_state}
        if post.ref_type
        else None,
        "created_at": moment(post.created_at),
        "edited_at": moment(post.edited_at),
    }


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    thumb_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, photo) -> str:
        return default_storage.url(photo.image.name)

    def get_thumb_url(self, photo) -> str:
        return default_storage.url(photo.thumb.name)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    reply_to = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "post", "author", "body", "reply_to", "created_at"]

    def get_author(self, comment: Comment) -> dict:
        return author_data(comment.author, role=comment.author_role)

    def get_reply_to(self, comment: Comment) -> dict | None:
        if comment.reply_to_id is None or comment.reply_to is None:
            return None
        return {"id": comment.reply_to_id, "author_name": comment.reply_to.author.display_name}

    def to_representation(self, comment: Comment) -> dict:
        return comment_data(comment)

    def declared_representation(self, comment: Comment) -> dict:
        """The fields as declared (what the schema documents); tests compare the two."""
        return super().to_representation(comment)


class NoticeBriefSerializer(serializers.ModelSerializer):
    pinned = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "category", "pinned", "pinned_until", "superseded_by"]

    def get_pinned(self, notice: Notice) -> bool:
        return notice.is_pinned()


class PostSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, source="photo_list")
    comments = CommentSerializer(many=True, source="comment_list")
    reactions = serializers.SerializerMethodField()
    my_reactions = serializers.SerializerMethodField()
    notice = NoticeBriefSerializer(allow_null=True)
    ref = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "grid",
            "kind",
            "author",
            "body",
            "photos",
            "comment_count",
            "comments",
            "reactions",
            "my_reactions",
            "notice",
            "ref",
            "created_at",
            "edited_at",
        ]

    def get_author(self, post: Post) -> dict:
        building = post.micro_grid.label if post.micro_grid_id else None
        return author_data(post.author, role=post.author_role, building=building)

    def get_reactions(self, post: Post) -> dict[str, int]:
        return getattr(post, "reaction_counts", {})

    def get_my_reactions(self, post: Post) -> list[str]:
        return sorted(getattr(post, "my_reactions", ()))

    def get_ref(self, post: Post) -> dict | None:
        if not post.ref_type:
            return None
        return {"type": post.ref_type, "id": post.ref_id, "state": post.ref_state}

    def to_representation(self, post: Post) -> dict:
        return post_data(post)

    def declared_representation(self, post: Post) -> dict:
        """The fields as declared (what the schema documents); tests compare the two."""
        return super().to_representation(post)


class PostCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[PostKind.CHAT],
        default=PostKind.CHAT,
        help_text="Only chat: needs are asked through POST /api/v1/aid/needs/, their card "
        "is made there.",
    )
    body = serializers.CharField(max_length=POST_MAX_CHARS, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class PostUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=POST_MAX_CHARS, allow_blank=True)


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX_CHARS)
    reply_to = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReactionSerializer(serializers.Serializer):
    reaction = serializers.ChoiceField(choices=Reaction.choices)
    on = serializers.BooleanField(default=True)


class FlagCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(max_length=200, allow_blank=True, default="")


class ModerationDecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            ModerationAction.Action.HIDE,
            ModerationAction.Action.RESTORE,
            ModerationAction.Action.WARN,
        ]
    )
    reason = serializers.CharField(max_length=200, allow_blank=True, default="")


class ModerationActionSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ModerationAction
        fields = ["id", "grid", "post", "comment", "action", "reason", "actor_name", "created_at"]

    def get_actor_name(self, action: ModerationAction) -> str | None:
        return action.actor.display_name if action.actor_id else None


class ReviewItemSerializer(serializers.Serializer):
    """One post or comment waiting for review, with why it was reported."""

    post = PostSerializer()
    comment = CommentSerializer(allow_null=True)
    hidden = serializers.BooleanField()
    flag_count = serializers.IntegerField()
    reasons = serializers.DictField(child=serializers.IntegerField())


class NoticeSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    pinned = serializers.SerializerMethodField()
    grids = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "community",
            "category",
            "title",
            "body",
            "author_name",
            "all_grids",
            "grids",
            "published_at",
            "pinned",
            "pinned_until",
            "withdrawn_at",
            "superseded_by",
            "read",
        ]

    def get_author_name(self, notice: Notice) -> str | None:
        return notice.author.display_name if notice.author_id else None

    def get_pinned(self, notice: Notice) -> bool:
        return notice.is_pinned()

    def get_read(self, notice: Notice) -> bool:
        return bool(getattr(notice, "read_by_viewer", False))


class NoticeCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=NOTICE_TITLE_MAX_CHARS)
    body = serializers.CharField(max_length=NOTICE_MAX_CHARS)
    category = serializers.ChoiceField(choices=Notice.Category.choices, default="general")
    grids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        allow_empty=True,
        default=list,
        help_text="Target grids; empty means the whole community.",
    )
    pinned_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class NoticeSupersedeSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=NOTICE_TITLE_MAX_CHARS)
    body = serializers.CharField(max_length=NOTICE_MAX_CHARS)
    pinned_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class GridReadRateSerializer(serializers.Serializer):
    grid = serializers.IntegerField()
    grid_name = serializers.CharField()
    members = serializers.IntegerField()
    read = serializers.IntegerField()
    rate = serializers.FloatField()


class UnreadMemberSerializer(serializers.Serializer):
    """For the grid's staff, who knock on doors: full contact, logged on access."""

    user_id = serializers.IntegerField()
    display_name = serializers.CharField()
    phone = serializers.CharField()
    building = serializers.CharField()
    unit = serializers.CharField()


class NoticeReceiptsSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    members = serializers.IntegerField()
    read = serializers.IntegerField()
    rate = serializers.FloatField()
    grids = GridReadRateSerializer(many=True)
    unread = UnreadMemberSerializer(many=True, required=False)
