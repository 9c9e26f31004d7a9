"""Stored files (佐证材料, inspection photos): the one shape of an uploaded file's row, its path in
the private storage, its removal with the row, and how a view hands it out.

A model of uploaded files subclasses ``StoredFile`` (abstract: no table of its own), adds the
foreign key to what the file belongs to and says where its files go (``upload_folder``):

```python
class Evidence(StoredFile):
    report = models.ForeignKey(ProgressReport, …, related_name="evidence")

    def upload_folder(self) -> str:
        return f"evidence/{self.report.period.campaign.year}"
```

and connects ``delete_file_after_commit`` to its ``post_delete`` in its app's ``ready``. The
upload is checked by content and stored with its row by ``reporting.services.stored_file_add``
(``reporting.evidence.check_evidence_file``: python-magic, extension, size cap); views serve it
only through ``download_response`` / ``inline_image_response`` after checking the user's scope.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from quanzhou_women import media


def private_storage() -> Storage:
    """Where uploaded files live: the default storage (the media folder, or the S3 bucket every app
    server shares when ``DJANGO_S3_BUCKET`` is set, docs/deploy.md), which backups copy. Nothing
    serves it at a URL: files are handed out only by permission-checking views."""
    return storages["default"]


def stored_file_path(instance: "StoredFile", filename: str) -> str:
    """The ``upload_to`` of every stored file: ``<instance.upload_folder()>/<random hex><ext>``, an
    ASCII name that keeps the (lower-cased) extension; the original name is kept in
    ``original_name``. E.g. ``evidence/2014/3f2a….pdf`` for ``工作总结.PDF``."""
    return f"{instance.upload_folder()}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class StoredFile(models.Model):
    """An uploaded file and what the upload said of it (abstract base).

    ``file`` is the stored file under a random name (``stored_file_path``) in ``private_storage``;
    ``original_name`` the name it came with (often Chinese, at most 255 characters);
    ``content_type`` the type read from its content at upload (python-magic); ``size`` its size in
    bytes; who uploaded it and when. Subclasses add the foreign key to their record, implement
    ``upload_folder``, and keep their own ``Meta`` (ordering, verbose names).
    """

    file = models.FileField(_("file"), storage=private_storage, upload_to=stored_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def upload_folder(self) -> str:
        """The folder of the storage the file goes to, without a trailing slash (each subclass's)."""
        raise NotImplementedError

    @property
    def is_inline_image(self) -> bool:
        """Whether the file is a photo the pages may show (PNG, JPEG, GIF or WebP, by the type
        checked at upload; ``quanzhou_women.media.INLINE_IMAGE_TYPES``)."""
        return self.content_type in media.INLINE_IMAGE_TYPES


def delete_file_after_commit(sender, instance: StoredFile, **kwargs) -> None:
    """``post_delete`` receiver: a stored file's row deleted (alone, or with what it belongs to)
    takes its file along once the deletion is committed; a rolled-back deletion keeps both."""
    file = instance.file
    if file.name:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


def download_response(row: StoredFile) -> FileResponse:
    """The stored file of ``row`` as a download under its original name, with the safe headers of
    ``quanzhou_women.media.attachment_response`` (attachment, nosniff, sandbox). Call it only after
    checking that the user may read ``row``. Raises ``Http404`` when the stored file is missing."""
    try:
        return media.attachment_response(row.file, row.original_name, row.content_type)
    except FileNotFoundError as error:
        raise Http404 from error


def inline_image_response(row: StoredFile) -> FileResponse:
    """The stored photo of ``row`` for an ``<img>`` (``quanzhou_women.media.inline_image_response``:
    inline, nosniff, sandbox, private cache). Raises ``Http404`` for any type that is not an inline
    image (never an inline document or SVG) and for a missing stored file."""
    if not row.is_inline_image:
        raise Http404
    try:
        return media.inline_image_response(row.file, row.original_name, row.content_type)
    except FileNotFoundError as error:
        raise Http404 from error
