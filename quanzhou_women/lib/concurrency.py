"""Helpers around django-concurrency's version fields."""

from django.db.models import Model
from django.db.models.signals import pre_save


def keep_version_on_raw_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """Loading a fixture (a "raw" save) stores rows as they are: it does not bump their version."""
    if raw:
        instance._concurrency_disable_increment = True


def keep_versions_of_fixtures(model: type[Model]) -> None:
    """Connect ``keep_version_on_raw_save`` for ``model`` (call it from the model's app's ``ready``)."""
    pre_save.connect(keep_version_on_raw_save, sender=model, dispatch_uid=f"raw-version-{model._meta.label}")
