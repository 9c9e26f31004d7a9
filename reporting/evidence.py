"""Checks on evidence files (佐证材料): the type is read from the content, not trusted from the name.

The content type comes from libmagic (python-magic), the library behind the ``file`` command. A
file is accepted when its content is a photo (JPEG, PNG, GIF, WebP, HEIC), a PDF, or a Word or
Excel file (old binary or new XML formats) AND its extension names that same type: a PDF renamed
``照片.jpg`` or a program renamed ``报告.pdf`` is refused. Size is limited by
``settings.EVIDENCE_MAX_BYTES``.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Content type → extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, set[str]] = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "image/heic": {".heic"},
    "application/pdf": {".pdf"},
    "application/msword": {".doc", ".wps"},
    DOCX: {".docx"},
    "application/vnd.ms-excel": {".xls", ".et"},
    XLSX: {".xlsx"},
}

#: The parts that make a ZIP file a Word or Excel document (for files libmagic calls plain ZIP).
_OOXML_MARKERS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}

ACCEPT_ATTRIBUTE = ",".join(sorted({ext for exts in ALLOWED_TYPES.values() for ext in exts}))


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks: its original name, content type and size in bytes."""

    name: str
    content_type: str
    size: int


def _sniff(upload: UploadedFile) -> str:
    """The content type of the upload, read from its first 8 KiB (and its ZIP directory)."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = magic.from_buffer(head, mime=True)
    if content_type == "application/zip":
        try:
            names = set(zipfile.ZipFile(upload).namelist())
        except zipfile.BadZipFile:
            names = set()
        finally:
            upload.seek(0)
        for ooxml_type, marker in _OOXML_MARKERS.items():
            if "[Content_Types].xml" in names and marker in names:
                return ooxml_type
    return content_type


def check_evidence_file(upload: UploadedFile) -> CheckedFile:
    """Check an uploaded evidence file; return its name, type and size, or raise ``ValidationError``.

    The error (in Chinese) names the file and says what is wrong: too big (limit
    ``settings.EVIDENCE_MAX_BYTES`` bytes), empty, a type that is not accepted, or an extension
    that does not match the content.
    """
    name = PurePath(upload.name or "").name.strip()
    if not name:
        raise ValidationError(_("The file has no name."), code="no_name")
    if upload.size == 0:
        raise ValidationError(_("The file %(name)s is empty.") % {"name": name}, code="empty")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size)s; evidence files may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            },
            code="too_large",
        )
    content_type = _sniff(upload)
    extensions = ALLOWED_TYPES.get(content_type)
    if extensions is None:
        raise ValidationError(
            _(
                "The file %(name)s is of type %(type)s, which is not accepted: "
                "send photos, PDF, Word or Excel files."
            )
            % {"name": name, "type": content_type},
            code="bad_type",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            _("The content of %(name)s (%(type)s) does not match its extension %(extension)s.")
            % {"name": name, "type": content_type, "extension": extension or "—"},
            code="extension_mismatch",
        )
    return CheckedFile(name=name, content_type=content_type, size=upload.size)
