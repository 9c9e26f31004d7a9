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
