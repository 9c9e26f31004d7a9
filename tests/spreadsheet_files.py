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


def post_preview(
    client,
    model: str,
    data: bytes,
    filename: str = "upload.xlsx",
    resource: int = 0,
    options: dict | None = None,
):
    """POST a file to the admin's import (the dry run), with the upload form's ``options`` (e.g.
    ``{"add_units": "on"}``), and return the response."""
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(
        import_url(model),
        {"resource": str(resource), "format": "0", "import_file": upload, **(options or {})},
    )


def post_confirm(client, model: str, preview_response):
    """POST the confirm step of a preview that offered one; return the response."""
    form = preview_response.context["confirm_form"]
    app = "units" if model == "organisation" else "projects"
    return client.post(reverse(f"admin:{app}_{model}_process_import"), form.initial)


def import_through_admin(
    client,
    model: str,
    data: bytes,
    filename: str = "upload.xlsx",
    resource: int = 0,
    options: dict | None = None,
):
    """Preview then confirm; returns (preview response, confirm response)."""
    preview = post_preview(client, model, data, filename, resource, options)
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
PROJECT_HEADERS = ["年度", "序号", "特色项目内容", "创建目标", "责任单位", "市妇联联系部室"]
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


def _cell_xml(reference: str, value: object) -> str:
    if value is None:
        return ""
    if value == "":  # a formatted empty cell, as Excel writes one
        return f'<c r="{reference}" s="0"/>'
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def raw_xlsx(
    rows: Sequence[Sequence[object]] = (),
    *,
    sheets: Sequence[tuple[str, str, Sequence[Sequence[object]]]] = (),
    padding: int = 0,
    content_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    namespace: str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    compression: int = 8,
) -> bytes:
    """An .xlsx written part by part, as fast as a string can be joined (100,000 rows in a second).

    ``sheets``: ``(name, state, rows)`` with state ``visible``, ``hidden`` or ``veryHidden``;
    without them one visible sheet "Sheet1" holds ``rows``. ``padding``: that many spaces after the
    first sheet's data (a "decompression bomb" packs millions of them into a few KB).
    ``content_type`` and ``namespace`` give .xlsm or Strict Open XML; ``compression`` is
    ``zipfile.ZIP_DEFLATED`` (8) or ``ZIP_STORED`` (0).
    """
    import zipfile

    from openpyxl.utils import get_column_letter

    sheets = list(sheets) or [("Sheet1", "visible", rows)]
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{content_type}"/>{overrides}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
            for i, (name, state, _rows) in enumerate(sheets, 1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{namespace}" xmlns:r="{relationships}">'
            f"<sheets>{entries}</sheets></workbook>",
        )
        links = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">{links}</Relationships>',
        )
        for index, (_name, _state, sheet_rows) in enumerate(sheets, 1):
            body = "".join(
                f'<row r="{r}">'
                + "".join(_cell_xml(f"{get_column_letter(c)}{r}", value) for c, value in enumerate(row, 1))
                + "</row>"
                for r, row in enumerate(sheet_rows, 1)
            )
            pad = " " * padding if index == 1 else ""
            archive.writestr(
                f"xl/worksheets/sheet{index}.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{namespace}"><sheetData>{body}'
                f"</sheetData>{pad}</worksheet>",
            )
    return buffer.getvalue()
