"""Setting up reports in admin: categories (with their deadlines and questions), handling
units (with their staff and the communities they serve) and the routing table. Reports
themselves are read here, never edited: every move goes through the services. The
reporter's contact is not shown in admin."""

from django.contrib import admin

from reports.models import (
    Category,
    CategoryAttribute,
    HandlingUnit,
    Report,
    ReportStep,
    RoutingRule,
    UnitMember,
)


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
