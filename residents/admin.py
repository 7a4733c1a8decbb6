from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from residents.models import User


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "display_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["-date_joined"]
    list_display = ["display_name", "phone", "phone_verified", "is_staff", "date_joined"]
    search_fields = ["phone", "display_name"]
    list_filter = ["is_staff", "is_active", "phone_verified"]
    fieldsets = [
        (None, {"fields": ["phone", "phone_verified", "display_name", "password"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "display_name", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]
