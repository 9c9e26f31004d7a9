"""How uploaded files (佐证材料) leave the portal: as downloads, only through checking views.

The rule for every view that hands out a stored file: check that the user may see the record the
file belongs to, then return ``attachment_response``. No web server location and no storage URL
serves the media folder or bucket directly, so an uploaded HTML or script file can never run in
the portal's origin.
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def attachment_response(
    file: FieldFile, filename: str | None = None, content_type: str | None = None
) -> FileResponse:
    """Stream ``file`` from the default storage as a download named ``filename``.

    ``content_type`` is the type checked at upload (e.g. ``image/png``); without it the type is
    guessed from ``filename``. The name goes out as RFC 6266 / RFC 5987 ``filename*`` (UTF-8),
    which browsers, Excel and WPS show in Chinese.

    The response says ``Content-Disposition: attachment`` (never inline), ``X-Content-Type-Options:
    nosniff`` and a sandboxing content security policy, so that a browser neither renders nor runs
    it. Raises ``FileNotFoundError`` (or the storage's error) when the file is missing.
    """
    name = filename or file.name.rsplit("/", 1)[-1]
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


#: The image types a browser may show inline from the portal (never SVG, which can hold script).
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def inline_image_response(file: FieldFile, filename: str, content_type: str) -> FileResponse:
    """Stream the photo ``file`` for an ``<img>`` or to open in the browser, not as a download.

    ``content_type`` must be one of ``INLINE_IMAGE_TYPES`` (the type checked by content at
    upload), else ``ValueError``. The response says ``Content-Disposition: inline`` with the
    name (RFC 6266, UTF-8), ``X-Content-Type-Options: nosniff``, the same sandboxing content
    security policy as ``attachment_response`` and ``Cache-Control: private``. Raises
    ``FileNotFoundError`` (or the storage's error) when the file is missing.
    """
    if content_type not in INLINE_IMAGE_TYPES:
        raise ValueError(f"not an inline image type: {content_type}")
    response = FileResponse(
        file.open("rb"), as_attachment=False, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
