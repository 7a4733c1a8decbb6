from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from family.models import AssistedResident, ProxyAction, ProxyGrant, ProxyRequest
from family.services import grants


@admin.register(ProxyGrant)
class ProxyGrantAdmin(admin.ModelAdmin):
    list_display = ["id", "principal", "agent", "via", "created_at", "revoked_at"]
    list_filter = ["via"]
    raw_id_fields = ["principal", "agent", "request", "approved_by", "revoked_by"]
    readonly_fields = ["created_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    @admin.action(description=_("End the selected family help"))
    def revoke(self, request, queryset):
        for grant in queryset.filter(revoked_at__isnull=True):
            try:
                grants.proxy_grant_revoke(actor=request.user, grant_id=grant.pk)
            except ServiceError as error:
                self.message_user(request, str(error.message), messages.ERROR)


@admin.register(ProxyRequest)
class ProxyRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "agent", "principal", "state", "created_at", "code_attempts"]
    list_filter = ["state"]
    raw_id_fields = ["agent", "principal", "decided_by"]
    exclude = ["code_hash"]
    readonly_fields = ["code_sent_at", "code_attempts", "decided_at"]


@admin.register(ProxyAction)
class ProxyActionAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "agent", "principal", "label", "object_type", "object_id"]
    raw_id_fields = ["grant", "principal", "agent"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssistedResident)
class AssistedResidentAdmin(admin.ModelAdmin):
    list_display = ["user", "registered_by", "created_at"]
    raw_id_fields = ["user", "registered_by"]
