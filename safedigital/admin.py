"""
Staff accounts and roles in the admin. Administrators manage staff (accounts, role groups, lock-outs), but
only a superuser makes superusers, grants single permissions or changes what a group may do, and nobody
who is not a superuser raises their own rights or takes over a superuser's account. Also the admin's "View on
site" for those who may view the object, and what every app's inlines share.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404

from .roles import ROLE_APPS
from .widgets import Select


class SelectsWrittenInPython:
    """
    For inlines, whose rows repeat each select (a language has a hundred options, a country 250): the selects are
    written out in Python, with Django's markup (safedigital.widgets.Select).
    """

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name not in self.radio_fields:
            kwargs.setdefault("widget", Select)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def view_on_site(request, content_type_id, object_id):
    """
    The admin's "View on site" (admin:view_on_site, wired in safedigital.urls before the admin's own) for staff
    who may view the object in the admin: Django's own sends any staff member to any object's page, so a
    fundraiser or an Administrator learnt a draft event's address. Anyone else is told it does not exist.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if model is None or not admin.site.is_registered(model):
        raise Http404
    model_admin = admin.site.get_model_admin(model)
    try:
        obj = model_admin.get_object(request, unquote(object_id))
    except (ValueError, ValidationError):
        obj = None
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    return shortcut(request, content_type_id, object_id)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the fields that grant rights locked for everyone but superusers."""

    superuser_only_fields = ["is_superuser", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if request.user.is_superuser:
            return readonly
        readonly += self.superuser_only_fields
        if obj is not None and obj.pk == request.user.pk:
            readonly.append("groups")  # an Administrator cannot join Fundraising to read donors' data
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        groups = form.base_fields.get("groups")
        if groups is not None and not request.user.is_superuser:
            # The three roles, and whatever other group the account was given by a superuser (kept as it is).
            allowed = Q(name__in=ROLE_APPS)
            if obj is not None:
                allowed |= Q(pk__in=obj.groups.values("pk"))
            groups.queryset = groups.queryset.filter(allowed)
        return form

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # setting a superuser's password would be taking over the account
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """
    Groups' permissions are defined in code (safedigital.roles); only a superuser may change them here. The
    roles are found by name after every migrate, so only a superuser may rename or delete a role's group:
    renaming Fundraising, then one's own group to "Fundraising", would hand oneself the donors' data.
    """

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if not request.user.is_superuser:
            readonly.append("permissions")
            if obj is not None and obj.name in ROLE_APPS:
                readonly.append("name")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLE_APPS and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
