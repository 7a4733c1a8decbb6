"""Setting up reports in admin: categories (with their deadlines and questions), handling
units (with their staff and the communities they serve) and the routing table. Reports
themselves are read here, never edited: every move goes through the services. The
reporter's contact is not shown in admin.

Civic apps (Open311 clients): a cadre issues one a key for their community; the key is
shown once, in the message after saving, and only its hash is kept."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from grids.models import Community, Role, RoleGrant
from reports.models import (
    Category,
    CategoryAttribute,
    HandlingUnit,
    Open311Client,
    Report,
    ReportStep,
    RoutingRule,
    UnitMember,
)
from reports.services import open311


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "group",
        "accept_hours",
        "close_hours",
        "public_default",
        "active",
    ]
    list_filter = ["group", "public_default", "active"]
    inlines = [CategoryAttributeInline]


class UnitMemberInline(admin.TabularInline):
    model = UnitMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone", "active"]
    list_filter = ["kind", "active"]
    filter_horizontal = ["communities"]
    inlines = [UnitMemberInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["id", "community", "grid", "micro_grid", "category", "unit"]
    list_filter = ["community", "category"]
    raw_id_fields = ["grid", "micro_grid"]


class ReportStepInline(admin.TabularInline):
    model = ReportStep
    extra = 0
    fields = ["created_at", "action", "state", "actor_label", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "category",
        "community",
        "grid",
        "state",
        "unit",
        "close_due",
        "escalation",
    ]
    list_filter = ["state", "category", "source"]
    exclude = ["contact_phone", "reporter"]
    readonly_fields = [
        f.name
        for f in Report._meta.get_fields()
        if f.concrete and f.name not in ("id", "contact_phone", "reporter")
    ]
    inlines = [ReportStepInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _managed_communities(user):
    if user.is_superuser:
        return Community.objects.all()
    return Community.objects.filter(
        pk__in=RoleGrant.objects.filter(user=user, role=Role.CADRE, revoked_at__isnull=True).values(
            "community_id"
        )
    )


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """A cadre sees and issues keys for the communities they manage only."""

    list_display = ["name", "community", "key_hint", "issued_by", "created_at", "active"]
    list_filter = ["active"]
    list_select_related = ["community", "issued_by"]
    readonly_fields = ["key_hint", "issued_by", "created_at"]
    actions = ["rekey"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(community__in=_managed_communities(request.user))
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "community"]
        return ["name", "community", "active", "key_hint", "issued_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_fields, "community"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "community":
            kwargs["queryset"] = _managed_communities(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        client, key = open311.client_issue(
            actor=request.user, name=obj.name, community=obj.community, client=obj
        )
        self._show_key(request, client, key)

    def _show_key(self, request, client, key):
        self.message_user(
            request,
            gettext(
                "The api_key of “%(name)s” is %(key)s. Copy it now and give it to the app: "
                "it is not shown again."
            )
            % {"name": client.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Issue a new key (the old one stops working)"))
    def rekey(self, request, queryset):
        for client in queryset:
            try:
                client, key = open311.client_rekey(actor=request.user, client_id=client.pk)
            except ServiceError as error:
                self.message_user(request, str(error.message), messages.ERROR)
                continue
            self._show_key(request, client, key)
