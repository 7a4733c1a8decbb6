"""A grid's board: posts with photos, comments, reactions, cadre notices and their
read receipts, moderation, and the event log that lets a live client catch up.

Feeds page by `-id` (ids grow with time), so every feed index ends in `-id`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models.places import Community, Grid, MicroGrid

POST_MAX_CHARS = 2000
COMMENT_MAX_CHARS = 500
NOTICE_TITLE_MAX_CHARS = 80
NOTICE_MAX_CHARS = 5000


class PostKind(models.TextChoices):
    CHAT = "chat", _("Chat")
    NEED = "need", _("Need help")
    OFFER = "offer", _("Can help")
    NOTICE = "notice", _("Notice")
    ACTIVITY = "activity", _("Activity")
    REPORT = "report", _("Report")


class ContentState(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by moderation")
    DELETED = "deleted", _("Deleted by its author")


class Reaction(models.TextChoices):
    """A small fixed set, so a reaction count is one GROUP BY."""

    LIKE = "like", "👍"
    HEART = "heart", "❤️"
    THANKS = "thanks", "🙏"
    CLAP = "clap", "👏"
    HAHA = "haha", "😄"


class Notice(models.Model):
    """通知: published by a cadre to a whole community or chosen grids.

    Each targeted grid gets a `Post` of kind notice pointing here, so the board
    feed stays one table. 三务公开 (affairs) notices are never deleted, only
    superseded by a newer notice.
    """

    class Category(models.TextChoices):
        GENERAL = "general", _("Notice")
        AFFAIRS = "affairs", _("Affairs disclosure (三务公开)")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="notices")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.GENERAL
    )
    title = models.CharField(_("title"), max_length=NOTICE_TITLE_MAX_CHARS)
    body = models.TextField(_("text"), max_length=NOTICE_MAX_CHARS)
    all_grids = models.BooleanField(_("whole community"), default=True)
    grids = models.ManyToManyField(Grid, blank=True, related_name="+", verbose_name=_("grids"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    pinned_until = models.DateTimeField(_("pinned until"), null=True, blank=True)
    unpinned_at = models.DateTimeField(_("unpinned"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["community", "-id"], name="notice_community_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="affairs") | Q(withdrawn_at__isnull=True),
                name="notice_affairs_never_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_pinned(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.unpinned_at is None
            and self.withdrawn_at is None
            and self.superseded_by_id is None
            and (self.pinned_until is None or self.pinned_until > now)
        )


class Post(models.Model):
    """One card on a grid's board. `ref_type`/`ref_id` let a later app's card (an
    aid offer, an activity) point at its own object without this app importing it."""

    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    micro_grid = models.ForeignKey(
        MicroGrid, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_role = models.CharField(max_length=20, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices)
    body = models.TextField(_("text"), max_length=POST_MAX_CHARS, blank=True)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    ref_type = models.CharField(max_length=40, blank=True)
    ref_id = models.BigIntegerField(null=True, blank=True)
    ref_state = models.CharField(
        max_length=20, blank=True, help_text="The referenced object's state, e.g. fulfilled."
    )
    state = models.CharField(
        max_length=10, choices=ContentState.choices, default=ContentState.VISIBLE
    )
    review_pending = models.BooleanField(default=False)
    photo_count = models.PositiveSmallIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo_count__lte=9), name="post_at_most_nine_photos"
            ),
            models.CheckConstraint(
                condition=(Q(kind="notice") & Q(notice__isnull=False))
                | (~Q(kind="notice") & Q(notice__isnull=True)),
                name="post_notice_kind_has_notice",
            ),
        ]
        indexes = [
            # The feed: WHERE grid = ? AND state = 'visible' ORDER BY id DESC.
            models.Index(
                fields=["grid", "-id"], condition=Q(state="visible"), name="post_feed_idx"
            ),
            models.Index(
                fields=["grid", "kind", "-id"],
                condition=Q(state="visible"),
                name="post_feed_kind_idx",
            ),
            models.Index(fields=["author", "-id"], name="post_author_idx"),
            models.Index(
                fields=["grid", "-id"], condition=Q(review_pending=True), name="post_review_idx"
            ),
            models.Index(fields=["ref_type", "ref_id"], name="post_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PostPhoto(models.Model):
    """A re-encoded photo (no metadata survives) and its feed thumbnail."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField()
    image = models.FileField(max_length=200)
    thumb = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["post_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="postphoto_unique_position"),
        ]

    def __str__(self) -> str:
        return f"photo {self.position} of post {self.post_id}"


class Comment(models.Model):
    """One level of comments; `reply_to` is the comment being @-answered."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    author_role = models.CharField(max_length=20, blank=True)
    body = models.TextField(_("text"), max_length=COMMENT_MAX_CHARS)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=ContentState.choices, default=ContentState.VISIBLE
    )
    review_pending = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["post_id", "id"]
        indexes = [
            models.Index(fields=["post", "id"], name="comment_post_idx"),
            models.Index(
                fields=["post"], condition=Q(review_pending=True), name="comment_review_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"comment #{self.pk} on post {self.post_id}"


class PostReaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reaction = models.CharField(max_length=10, choices=Reaction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "reaction"], name="postreaction_once_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["user", "post"], name="postreaction_user_idx")]

    def __str__(self) -> str:
        return f"{self.reaction} by {self.user_id} on post {self.post_id}"


class NoticeRead(models.Model):
    """A read receipt. `grid` is the reader's home grid when they read it, so the
    read rate per grid is one GROUP BY."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    grid = models.ForeignKey(Grid, null=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="noticeread_once"),
        ]
        indexes = [models.Index(fields=["notice", "grid"], name="noticeread_grid_idx")]

    def __str__(self) -> str:
        return f"notice {self.notice_id} read by {self.user_id}"


class Flag(models.Model):
    """A member's report of a post or comment. Enough distinct flags hide it for review."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Advertising or spam")
        ABUSE = "abuse", _("Insults or harassment")
        PRIVACY = "privacy", _("Exposes someone's private information")
        FALSE = "false", _("False or misleading")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["flagger", "post"],
                condition=Q(comment__isnull=True),
                name="flag_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["flagger", "comment"],
                condition=Q(comment__isnull=False),
                name="flag_once_per_comment",
            ),
        ]
        indexes = [
            models.Index(
                fields=["post", "comment"],
                condition=Q(resolved_at__isnull=True),
                name="flag_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} report on post {self.post_id}"


class ModerationAction(models.Model):
    """Who did what to which post or comment, when and why. Never edited."""

    class Action(models.TextChoices):
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        WARN = "warn", _("Author warned")

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["grid", "-id"], name="moderation_grid_idx")]

    def __str__(self) -> str:
        return f"{self.action} on post {self.post_id}"


class Mute(models.Model):
    """The muter no longer sees the muted member's posts and comments."""

    muter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muter", "muted"], name="mute_once"),
            models.CheckConstraint(condition=~Q(muter=models.F("muted")), name="mute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"


class BoardEvent(models.Model):
    """Every live event of a grid's board, numbered by `seq` without gaps.

    The channel layer delivers at most once; this table is what a client that
    reconnects is caught up from (`seq > after`, the unique index's order).
    """

    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=30)
    payload = models.JSONField()
    # The post the event is about, so taking a post down can also take its words
    # out of the log that reconnecting clients are replayed from.
    post_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "seq"], name="boardevent_unique_seq"),
        ]
        indexes = [
            models.Index(
                fields=["grid", "post_id"],
                condition=Q(post_id__isnull=False),
                name="boardevent_post_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"grid {self.grid_id} #{self.seq} {self.type}"
