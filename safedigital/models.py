from functools import cache, partial

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safedigital.richtext import sanitize

# The languages a resource or a media mention may be in, each named in the reader's language: Django's own list
# marks its names for translation but keeps them in English.
LANGUAGES = [(code, _(name)) for code, name in global_settings.LANGUAGES]


@cache
def _choice_labels(field, language):
    return {value: str(label) for value, label in field.flatchoices}


class ChoiceLabelsMixin:
    """
    get_<field>_display() that looks each field's labels up once per language. Django's own rebuilds the
    choices on every call and translates every label to do it, which a page listing many records pays for
    hundreds of times.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _choice_labels(field, get_language()).get(value, value)
        except TypeError:  # an unhashable value: Django's way copes with it
            return super()._get_FIELD_display(field)


class ConstraintsToldBesideFields:
    """
    Constraints over several fields told beside one of them, in words that name what is taken: Django puts such a
    constraint's message above the whole form or inline row, in words that name nothing. `constraints_told_beside`
    maps a constraint's name to (the field, the name of the model's method that words the message); the others
    are told as Django tells them (Model.validate_constraints, which this follows).
    """

    constraints_told_beside = {}

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if constraint.name in self.constraints_told_beside:
                        field, message = self.constraints_told_beside[constraint.name]
                        errors.setdefault(field, []).append(getattr(self, message)())
                    elif getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class RichTextField(models.TextField):
    """
    Formatted text staff write in the admin's editor (safedigital.widgets.RichTextEditor, set in
    safedigital.apps.AdminConfig): sanitised by safedigital.richtext whenever its row is saved, created in bulk
    too, and shown through the `richtext` filter, which sanitises it again.
    """

    def pre_save(self, model_instance, add):
        value = sanitize(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class TimeStampedModel(ChoiceLabelsMixin, models.Model):
    """When a record was created and last changed; every model that keeps timestamps uses it."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class RenditionsMixin(models.Model):
    """
    Keeps resized, metadata-free renditions of image fields, made when the record is saved.

    A model names its pairs in `rendition_fields`, image field -> JSON field, e.g. {"image": "image_renditions"}.
    `save(renditions=False)` leaves them to a later `update_renditions()`, in a task (events.tasks): until then
    the record has none, and the pages do not show its image.
    """

    rendition_fields = {}

    class Meta:
        abstract = True

    def save(self, *args, renditions=True, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The renditions are written by update_renditions() alone: a record loaded before the worker stored
            # them (an editor's form) must not put back the ones it was loaded with.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.rendition_fields.values()
            ]
        super().save(*args, **kwargs)
        if renditions:
            self.update_renditions()

    def update_renditions(self):
        """
        Makes renditions of each image whose stored ones are of another file (or missing) and stores them alone,
        not the rest of the record, which an editor may be changing meanwhile; and only while the image is still
        that file: made for a file replaced meanwhile, they are deleted instead. The old ones are deleted once
        the new ones are committed.
        """
        from .cache import content_changed
        from .uploads import delete_renditions, make_renditions

        changed = False
        for image_field, renditions_field in self.rendition_fields.items():
            image = getattr(self, image_field)
            current = getattr(self, renditions_field) or {}
            source = image.name if image else ""
            if current.get("source", "") == source:
                continue
            # Told before they are made and stored too, as a save is (safedigital.cache.connect_signals): in the task
            # worker no transaction undoes them, and stored untold they stayed off the cached pages.
            content_changed()
            renditions = make_renditions(image) | {"source": source} if image else {}
            # Only while the stored renditions are still those this record was loaded with: another save (the
            # editor's, or the worker's) may have made them for this very file meanwhile.
            previous = current.get("source")
            unchanged = (
                models.Q(**{f"{renditions_field}__source": previous})
                if previous is not None
                else models.Q(**{f"{renditions_field}__source__isnull": True})
            )
            stored = (
                type(self)
                ._base_manager.filter(unchanged, pk=self.pk, **{image_field: source})
                .update(**{renditions_field: renditions})
            )
            if not stored:
                delete_renditions(renditions)
                continue
            # Once the new ones are committed: until then pages show the old ones, and a rollback keeps them.
            transaction.on_commit(partial(delete_renditions, current))
            setattr(self, renditions_field, renditions)
            changed = True
        if changed:
            content_changed()


def delete_renditions_of_deleted_record(sender, instance, **kwargs):
    """
    post_delete: the renditions of a record deleted (a photo, or an event with its galleries) go with it. The pages
    gave out their addresses, which anyone may have kept: left on the server, a photo whose consent was withdrawn
    was still served there. The uploaded image stays, as a replaced one does, for the history's sake: its random
    name was never on a page.
    """
    if isinstance(instance, RenditionsMixin):
        from .uploads import delete_renditions

        for renditions_field in instance.rendition_fields.values():
            # Once the deletion is committed: a rollback keeps the record, and its page its images.
            transaction.on_commit(partial(delete_renditions, getattr(instance, renditions_field)))


class WorkerHeartbeat(models.Model):
    """
    When a task worker (`manage.py db_worker`) was last heard from: it records so when it starts and every
    `HEARTBEAT_SECONDS` after, also while it runs a task, so that the workers queue again only the tasks of a
    worker that has stopped (safedigital/management/commands/db_worker.py).
    """

    worker_id = models.CharField(
        _("worker id"),
        max_length=64,
        primary_key=True,
        help_text=_("The id the worker gives itself when it starts, as recorded on the tasks it runs."),
    )
    seen_at = models.DateTimeField(_("last heard from"))

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        default_permissions = ()  # written by the workers alone, never by staff

    def __str__(self):
        return self.worker_id
