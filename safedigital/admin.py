"""
Staff accounts and roles in the admin. Administrators manage staff (accounts, role groups, lock-outs), but
only a superuser makes superusers, grants single permissions or changes what a group may do, and nobody
who is not a superuser raises their own rights or takes over a superuser's account. Whoever gives an account
access to donors' data, or sets the password of an account that has it, is named to the fundraising team in
an e-mail. Also the admin's "View on site" for those who may view the object, what every app's inlines
share, and a list filter by the choices in use.
"""

import copy
import logging

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .roles import ROLE_APPS, donor_data_readers, reads_donor_data
from .tasks import enqueue_with_the_transaction, send_fundraising_notice
from .uploads import FileNotStored, files_of_a_failed_save_removed
from .widgets import Select

logger = logging.getLogger(__name__)


class SelectsWrittenInPython:
    """
    For inlines, whose rows repeat each select (a language has a hundred options, a country 250): the selects are
    written out in Python, with Django's markup (safedigital.widgets.Select).
    """

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name not in self.radio_fields:
            kwargs.setdefault("widget", Select)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class RowsAutocompleteSelect(AutocompleteSelect):
    """
    Django's autocomplete box in an inline row, which names the record the row has chosen from those its formset
    reads for all its rows at once (`rows`, set by TabularInline): Django's asks the database, once per row.
    """

    rows = None  # the formset, whose chosen_records(field name) maps each chosen key to its record

    def optgroups(self, name, value, attr=None):
        chosen = {str(key) for key in value if str(key) not in self.choices.field.empty_values}
        if self.rows is None or not chosen:
            return super().optgroups(name, value, attr)
        records = self.rows.chosen_records(self.field.name)
        if not chosen <= records.keys():  # a key sent back that no row had chosen: Django's own way
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for key in sorted(chosen):  # one, for a foreign key
            label = self.choices.field.label_from_instance(records[key])
            options.append(self.create_option(name, key, label, chosen, len(options)))
        return [(None, options, 0)]


class TabularInline(admin.TabularInline):
    """
    Django's tabular inline, each row's fields named by their column. Django heads the columns but labels no field
    in the rows, so a screen reader met every order, role, caption and "Delete?" box by its kind alone (WCAG 1.3.1,
    4.1.2): each field's input, select or textarea is named by its column's heading. Its autocomplete boxes name
    the rows' chosen records from one query for all the rows (RowsAutocompleteSelect).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RowsAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class NamedByTheirColumns(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    widget = getattr(field.widget, "widget", field.widget)  # inside the "add another" wrapper
                    if field.label and not widget.is_hidden:
                        widget.attrs.setdefault("aria-label", field.label)
                    if isinstance(widget, RowsAutocompleteSelect):
                        widget.rows = self

            def chosen_records(self, name):
                """{key: record} of what the rows have chosen in their field `name`, read once for them all."""
                records = self.__dict__.setdefault("_chosen_records", {})
                if name not in records:
                    # A row's own field: its queryset is the one Django's box asks, limit_choices_to applied.
                    field = self.forms[0].fields[name]
                    keys = {
                        str(key)
                        for key in (form[name].value() for form in self.forms)
                        if key not in field.empty_values
                    }
                    to_field = field.to_field_name or "pk"
                    found = field.queryset.filter(**{f"{to_field}__in": keys}) if keys else []
                    records[name] = {str(getattr(record, to_field)): record for record in found}
                return records[name]

        return NamedByTheirColumns


class RowsToldBesideForm(forms.ModelForm):
    """
    An inline row whose model tells a constraint over (the row's parent, one field) beside that field
    (safedigital.models.ConstraintsToldBesideFields): the row is checked as Django checks it, less that
    constraint, which RowsToldBesideFormSet checks for all the rows at once, knowing which the same save deletes.
    Checked row by row, a value whose row is deleted was still held, and a new row for it was refused.
    """

    def validate_constraints(self):
        told = {field for field, _message in self._meta.model.constraints_told_beside.values()}
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() | told)
        except ValidationError as error:
            self._update_errors(error)


class RowsToldBesideFormSet(BaseInlineFormSet):
    """
    The rows of RowsToldBesideForm: a row that would hold what another holds (a speaker twice in a session, a
    figure twice on an event) is told so beside its field, in the model's words naming it. Django's own check said
    "Please correct the duplicate data for speaker." above the rows, by the field's code name.
    """

    def clean(self):
        """
        Follows the rows in the order Django saves them (the stored rows deleted or changed one by one, then the new
        rows added), so that what is refused is what the database would refuse: a value whose row is deleted may be
        given again in a new row, and a value stored in another row, kept or not yet changed when this one is
        saved, may not. One query per constraint.
        """
        for field, message in self.model.constraints_told_beside.values():
            attname = self.model._meta.get_field(field).attname
            # What each stored row holds, rows added by someone else since the form was opened included.
            held = {}
            if not self.instance._state.adding:
                stored = self.model._default_manager.filter(**{self.fk.name: self.instance})
                held = dict(stored.values_list("pk", attname))
            for number, form in enumerate(self.forms):
                row = form.instance.pk if number < self.initial_form_count() else ("new", number)
                if self.can_delete and self._should_delete_form(form):
                    held.pop(row, None)
                    continue
                if number < self.initial_form_count() and not form.has_changed():
                    continue  # not saved: the row keeps what it holds
                if form.cleaned_data.get(field) in (None, ""):
                    continue
                value = getattr(form.instance, attname)
                if any(other_value == value for other, other_value in held.items() if other != row):
                    form.add_error(field, getattr(form.instance, message)())
                else:
                    held[row] = value
        super().clean()  # Django's check, which now finds no duplicate: it passes over rows with errors


class ChoicesInUseFilter(admin.ChoicesFieldListFilter):
    """
    A list filter by a field's choices that offers only those some record holds, by name: a language filter
    offered all hundred of Django's languages for mentions in two. (For countries: django-countries' CountryFilter.)
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        in_use = set(model._default_manager.order_by().values_list(field_path, flat=True).distinct())
        field = copy.copy(field)  # the filter's own: Django's filter reads its choices
        field.choices = [(value, title) for value, title in field.flatchoices if value in in_use]
        super().__init__(field, request, params, model, model_admin, field_path)


class NotStoredForm:
    """
    An admin form sent back because the media storage could not store its files: it is refused with a message
    above it, the files are left out (not checked and re-encoded again for nothing), the values typed kept.
    """

    def __init__(self, data=None, files=None, *args, **kwargs):
        super().__init__(data, None, *args, **kwargs)

    def clean(self):
        super().clean()
        raise ValidationError(
            _(
                "Nothing was saved: the server could not store the files (its disk may be full). Tell the site's "
                "administrator; once they have made room, choose the files again and save."
            ),
            code="file_not_stored",
        )


class HistoryAdmin(SimpleHistoryAdmin):
    """
    django-simple-history's admin, answering 404, as it does for an unknown record, to a history address whose ids
    are not ones (.../abc/history/, .../1/history/abc/): it looked them up as they were, a server error. The base of
    every content admin.
    """

    def get_changeform_initial_data(self, request):
        """
        Django's (the add form filled in from the address: ?event=3), without a record chosen by a key that is not
        one (?event=abc): Django's autocomplete box looked it up as it was, a server error.
        """
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_one or field.one_to_one:
                try:
                    field.target_field.to_python(value)
                except ValidationError:
                    del initial[name]
        return initial

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """
        Django's, but a save whose file the media storage could not store (its disk full) is rolled back, its files
        stored before it deleted, and the form sent back with what was typed and a message above it, where a
        server error (500) was answered and a truncated file left behind.
        """
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            # Django's own transaction is then a savepoint in this one, which commits after the files' removal
            # on failure is over.
            with transaction.atomic(using=router.db_for_write(self.model)), files_of_a_failed_save_removed():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except FileNotStored:
            request.upload_not_stored = True  # get_form and get_formset_kwargs refuse the save this time
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if getattr(request, "upload_not_stored", False):
            return type(form.__name__, (NotStoredForm, form), {})
        return form

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if getattr(request, "upload_not_stored", False):
            # Not checked again: they are chosen again (templates/admin/change_form.html names them).
            kwargs["files"] = None
        return kwargs

    def _are_ids(self, object_id, version_id=None):
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                history_model._meta.pk.to_python(version_id)
        except ValidationError:
            return False
        return True

    def history_view(self, request, object_id, extra_context=None):
        if not self._are_ids(object_id):
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not self._are_ids(object_id, version_id):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)


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


def tell_fundraising_of_donor_data_access(actor, user, password_set):
    """
    E-mails the fundraising team (FUNDRAISING_EMAILS), once the change is committed, that `actor` gave `user`
    access to donors' data or set the password of an account that has it: a task queued with the change, which a
    mail server that fails does not undo and which is tried again later (safedigital.tasks).
    """
    if not settings.FUNDRAISING_EMAILS:
        logger.warning("Access to donors' data changed, and FUNDRAISING_EMAILS is empty: nobody was told.")
        return
    with translation.override(settings.LANGUAGE_CODE):
        if password_set:
            subject = _("%(actor)s set the password of %(user)s, who can read donors' enquiries")
        else:
            subject = _("%(actor)s gave %(user)s access to donors' enquiries")
        subject = subject % {"actor": actor.get_username(), "user": user.get_username()}
        body = render_to_string(
            "admin/auth/user/donor_data_access_email.txt",
            {
                "actor": actor,
                "user": user,
                "password_set": password_set,
                "when": timezone.localtime(),
                "user_url": settings.SITE_URL + reverse("admin:auth_user_change", args=[user.pk]),
                "history_url": settings.SITE_URL + reverse("admin:auth_user_history", args=[user.pk]),
            },
        )
    enqueue_with_the_transaction(send_fundraising_notice, f"[{settings.SITE_NAME}] {subject}", body)


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

    def save_model(self, request, obj, form, change):
        obj.read_donor_data_before = change and reads_donor_data(obj.pk)  # as stored, before this change
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """
        An Administrator may give any other account the Fundraising role, so may make one for themselves: the
        fundraising team, who answer for donors' data, are told who gave whom access to it.
        """
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not user.read_donor_data_before and reads_donor_data(user.pk):
            tell_fundraising_of_donor_data_access(request.user, user, password_set=False)

    def user_change_password(self, request, id, form_url=""):
        """
        Setting the password of an account that reads donors' data is signing in as it: the team is told. Django's
        page also redirects when it set nothing (conflicting choices) or disabled the password, which is no way in.
        """
        before = self.get_object(request, unquote(id))
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            password_set = user.password != before.password and user.has_usable_password()
            if password_set and user.pk != request.user.pk and reads_donor_data(user.pk):
                tell_fundraising_of_donor_data_access(request.user, user, password_set=True)
        return response

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

    def save_model(self, request, obj, form, change):
        # Its members who read donors' data, as stored, before this change (a new group has none).
        before = donor_data_readers().filter(groups=obj).values_list("pk", flat=True) if change else []
        obj.donor_data_readers_before = [*before]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """A superuser who lets a group read donors' data gives each of its members access: the team is told."""
        super().save_related(request, form, formsets, change)
        group = form.instance
        for user in donor_data_readers().filter(groups=group).exclude(pk__in=group.donor_data_readers_before):
            tell_fundraising_of_donor_data_access(request.user, user, password_set=False)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLE_APPS and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
