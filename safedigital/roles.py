"""
Staff roles as Django groups, defined here and nowhere else. They are brought up to date after every
`migrate`, so a new model's permissions join the right role without a data migration.

- Editors manage all content (events, media coverage) and never see donation enquiries.
- Fundraising manage donation enquiries and see no content they could change.
- Administrators manage staff accounts, roles and login lock-outs, and see the background tasks (the enquiry
  e-mails' queue, read-only).
"""

from django.apps import apps as global_apps

EDITORS = "Editors"
FUNDRAISING = "Fundraising"
ADMINISTRATORS = "Administrators"

# Role -> the apps whose every permission (view, add, change, delete, and custom ones) it holds.
ROLE_APPS = {
    EDITORS: ["events", "media_coverage"],
    FUNDRAISING: ["donations"],
    ADMINISTRATORS: ["auth", "axes", "django_tasks_database"],
}


def role_permissions(role, permission_model):
    return permission_model.objects.filter(content_type__app_label__in=ROLE_APPS[role])


def sync_roles(using="default", apps=global_apps):
    """Create the groups and give each exactly its permissions (removing any added by hand)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLE_APPS:
        group, _created = group_model.objects.using(using).get_or_create(name=role)
        group.permissions.set(role_permissions(role, permission_model).using(using))


def sync_roles_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    """post_migrate handler: runs once, after the last installed app, when every permission exists."""
    if sender.name != list(global_apps.get_app_configs())[-1].name:
        return
    sync_roles(using=using)


def reads_donor_data(user_pk):
    """Whether the account, as stored, may read donation enquiries (donor_data_readers)."""
    return donor_data_readers().filter(pk=user_pk).exists()


def donor_data_readers():
    """
    The accounts that, as stored, may read donation enquiries: each an active staff account (the admin lets in no
    other, so unticking Active takes the access away and ticking it again gives it back) that is a superuser,
    or holds the permission through its groups or its own permissions (Fundraising, or anything a superuser
    granted by hand): to view the enquiries, or to change them, which the admin takes as leave to view them.
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    enquiries = {
        "content_type__app_label": "donations",
        "codename__in": ["view_donationenquiry", "change_donationenquiry"],
    }
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(**{f"groups__permissions__{key}": value for key, value in enquiries.items()})
            | Q(**{f"user_permissions__{key}": value for key, value in enquiries.items()})
        )
        .distinct()
    )
