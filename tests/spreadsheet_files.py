"""Build spreadsheets the way staff's programs save them, and post them through the admin's import."""

import codecs
import io
from collections.abc import Sequence

import openpyxl
from django.urls import reverse


def xlsx_bytes(
    rows: Sequence[Sequence[object]], *, merged: Sequence[str] = (), formulas: bool = True
) -> bytes:
    """An .xlsx as Excel saves it: values with their own types; strings starting with = become formulas."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[object]],
    *,
    encoding: str = "utf-8-sig",
    line_ending: str = "\r\n",
    delimiter: str = ",",
) -> bytes:
    """A CSV as Excel or WPS saves it: "CSV UTF-8" (BOM) by default, or GBK, UTF-16, any line ending."""

    def quoted(value: object) -> str:
        text = "" if value is None else str(value)
        if any(char in text for char in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    text = "".join(delimiter.join(quoted(value) for value in row) + line_ending for row in rows)
    if encoding == "utf-16":  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def import_url(model: str) -> str:
    app = "units" if model == "organisation" else "projects"
    return reverse(f"admin:{app}_{model}_import")


def post_preview(client, model: str, data: bytes, filename: str = "upload.xlsx", resource: int = 0):
    """POST a file to the admin's import (the dry run) and return the response."""
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(import_url(model), {"resource": str(resource), "format": "0", "import_file": upload})


def post_confirm(client, model: str, preview_response):
    """POST the confirm step of a preview that offered one; return the response."""
    form = preview_response.context["confirm_form"]
    app = "units" if model == "organisation" else "projects"
    return client.post(reverse(f"admin:{app}_{model}_process_import"), form.initial)


def import_through_admin(client, model: str, data: bytes, filename: str = "upload.xlsx", resource: int = 0):
    """Preview then confirm; returns (preview response, confirm response)."""
    preview = post_preview(client, model, data, filename, resource)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, errors_of(preview)
    return preview, post_confirm(client, model, preview)


def errors_of(response) -> list[str]:
    """Every error a preview shows: form errors, file errors, row errors (as text)."""
    found: list[str] = []
    form = response.context.get("form")
    if form is not None:
        found += [str(message) for messages_ in form.errors.values() for message in messages_]
    result = response.context.get("result")
    if result is not None:
        found += [str(error.error) for error in result.base_errors]
        for row in result.invalid_rows:
            for messages_ in row.error_dict.values():
                found += [str(message) for message in messages_]
        for _number, errors in result.row_errors():
            found += [str(error.error) for error in errors]
    return found


def row_types(response) -> list[str]:
    """The import type of every previewed row: new, update, skip."""
    return [row.import_type for row in response.context["result"].rows]


def use_pending_import_folder(settings, tmp_path):
    """Send uploads between preview and confirm to a fresh shared folder; returns that folder."""
    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "import-pending"
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    return folder


#: The flat table's header row (one row per project × responsible unit, with the 四定).
FLAT_HEADERS = ["年度", "序号", "特色项目内容", "责任单位", "定目标", "定时限", "责任人", "职务", "联系电话"]


def flat_row(
    number=7,
    unit="晋江市妇联",
    target="培育试点2个",
    deadline="2014-12-31",
    person="王丽",
    phone="13800000000",
):
    """One row of the flat table for (2014, ``number``, ``unit``)."""
    return [2014, number, "", unit, target, deadline, person, "主席", phone]


def export_through_admin(client, model: str, resource_class, resource: int = 0, query: str = ""):
    """POST the admin's export form with every column of ``resource_class`` ticked; returns the response."""
    app = "units" if model == "organisation" else "projects"
    data = {"format": "0", "resource": str(resource)}
    for field in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{field}"] = "on"
    return client.post(reverse(f"admin:{app}_{model}_export") + query, data)
