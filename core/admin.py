from django.contrib import admin

from core.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "subject", "scope"]
    list_filter = ["action"]
    search_fields = ["actor__phone", "subject__phone", "scope"]
    list_select_related = ["actor", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
