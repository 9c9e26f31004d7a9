"""Every export of the portal writes hostile text as plain text: never a live formula, never a
broken file, the user's characters kept.

The exports are found, not listed: every model admin with import-export (its 「导出」, every
resource), every URL of the URL resolver that answers a spreadsheet (asked with ``format=xlsx``:
the 台账, the 通报, the 一览表 button …), and the ``export_overview_table`` command. A new export
is covered as soon as it exists; the test fails if the known ones are no longer found.
"""

import csv
import io
import re

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from quanzhou_women.lib.spreadsheets import EXCEL_CELL_LIMIT, write_only_cell, write_only_row, write_text_cell
from tests.reporting.conftest import make_report
from tests.url_catalogue import every_url

LONG = "=" + "长" * 40_000
#: (what a user saved, what the cell must hold): text kept exactly, what XML cannot carry removed.
HOSTILE = [
    ('=HYPERLINK("http://x","click")', '=HYPERLINK("http://x","click")'),
    ("+1", "+1"),
    ("-1+2", "-1+2"),
    ("@SUM(A1)", "@SUM(A1)"),
    ("#N/A", "#N/A"),  # an error value in Excel, text here
    ("\x0b", "\n"),  # Word's line break
    ("\x00", ""),
    ("\x1f", ""),
    ("\u200b", "\u200b"),
    (LONG, None),  # cut to Excel's limit of 32,767 characters
]
SPREADSHEET_TYPES = ("spreadsheetml", "ms-excel", "text/csv")
KNOWN_DOWNLOADS = {
    "dashboards:ledger",
    "dashboards:bulletin",
    "admin:projects_featureproject_overview_table",
}


@pytest.fixture(autouse=True)
def cold_content_type_cache():
    """Leave the content-type cache as found: other tests pin the queries of a cold cache."""
    yield
    ContentType.objects.clear_cache()


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
        and field.name != "password"
    ]


def fill_every_text_field(value: str) -> int:
    """Set every free-text field of every row of the portal's apps to ``value`` + ``乙<n>``.

    ``n`` numbers the values, so unique names stay unique. Where the database enforces a field's
    length (PostgreSQL), a value too long for it is left out. Returns how many values were set.
    """
    count = 0
    enforces_length = connection.vendor != "sqlite"
    for label in ("units", "projects", "reporting", "assessments"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = _text_fields(model)
            for pk in model._default_manager.values_list("pk", flat=True):
                changes = {}
                for field in fields:
                    text = f"{value}乙{count + 1}"
                    if enforces_length and field.max_length and len(text) > field.max_length:
                        continue
                    count += 1
                    changes[field.attname] = text
                if changes:
                    model._default_manager.filter(pk=pk).update(**changes)
    return count


def expected_cell(value: str, clean: str | None) -> re.Pattern:
    """The text a cell holding one filled-in value must show, as a pattern over ``乙<n>``."""
    if clean is None:
        return re.compile(re.escape(value[:EXCEL_CELL_LIMIT]))
    return re.compile(re.escape(clean) + r"乙\d+")


def spreadsheet_cells(content: bytes, content_type: str) -> list[tuple[object, str]]:
    """(value, data type) of every cell of every sheet; a CSV is parsed (a cell is text, "s")."""
    if "csv" in content_type:
        text = content.decode("utf-8-sig")
        return [(cell, "s") for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        (cell.value, cell.data_type) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    ]


def assert_safe(
    where: str, cells: list[tuple[object, str]], pattern: re.Pattern | None, csv_file: bool
) -> None:
    """No formula or error cell, no control character, and (unless ``pattern`` is None) a cell holding it."""
    formulas = [value for value, data_type in cells if data_type in ("f", "e")]
    assert formulas == [], where
    texts = [value for value, _type in cells if isinstance(value, str)]
    if csv_file:  # CSV has no cell types: a leading = + - @ must be defused with an apostrophe
        assert not [t for t in texts if t[:1] in "=+-@"], where
        texts = [t[1:] if t.startswith("'") else t for t in texts]
    if pattern is not None:
        assert any(pattern.fullmatch(text) for text in texts), f"{where}: no cell holds the text as saved"
    assert not [t for t in texts if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", t)], where


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def admin_exports(client: Client) -> dict[str, object]:
    """The 「导出」 of every resource of every model admin with import-export: {what: response}."""
    responses = {}
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "get_export_resource_classes"):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
        for index, resource_class in enumerate(model_admin.resource_classes):
            data = {"format": "0", "resource": str(index)}
            for field in resource_class().get_export_order():
                data[f"{resource_class.__name__.lower()}_{field}"] = "on"
            responses[f"{url} {resource_class.__name__}"] = client.post(url, data)
    return responses


def downloads(client: Client) -> dict[str, object]:
    """Every URL of the resolver that answers a spreadsheet to GET (plain or ``?format=xlsx``):
    {name: response}. Raises ``AssertionError`` naming the URLs that fail (status 500)."""
    found, failed = {}, []
    for entry in every_url(lambda converter, name: "x" if converter == "slug" else "1"):
        if "logout" in entry.url:
            continue
        for query in ({}, {"format": "xlsx", "period": "all"}):
            response = client.get(entry.url, query)
            if response.status_code >= 500:
                failed.append(entry.url)
            if response.status_code == 200 and any(t in response["Content-Type"] for t in SPREADSHEET_TYPES):
                found[entry.name or entry.url] = response
                break
    assert failed == []
    return found


def _criterion_of(campaign, admin_user) -> None:
    """One criterion of a 争六好 scheme for ``campaign``, through the writers of ``assessments``."""
    from assessments import services as assessment_services
    from assessments.models import AssessmentScheme, Criterion

    scheme = assessment_services.scheme_save(actor=admin_user, scheme=AssessmentScheme(campaign=campaign))
    assessment_services.criterion_save(
        actor=admin_user,
        criterion=Criterion(scheme=scheme, group=scheme.groups.first(), order=1, title="考评内容", points=10),
    )


@pytest.mark.parametrize(("value", "clean"), HOSTILE, ids=[repr(v[:30]) for v, _c in HOSTILE])
def test_every_export_writes_hostile_text_as_text(world, cast, tmp_path, value, clean):
    if "\x00" in value and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL stores no NUL in text (the portal refuses it); the writer test covers it")
    make_report(world, world.a1, cast["reporter_a"], submit=True)
    _criterion_of(world.a1.project.campaign, cast["superuser"])  # so that the 考评细则 export has a row
    assert fill_every_text_field(value) > 5
    pattern = expected_cell(value, clean)
    if value is LONG and connection.vendor != "sqlite":
        pattern = (
            None  # only text fields hold it there, and not every export has one: no formulas is the check
        )
    client = Client(raise_request_exception=False)
    client.force_login(cast["superuser"])

    exports = admin_exports(client)
    found = downloads(client)
    assert KNOWN_DOWNLOADS <= set(found)
    assert len(exports) >= 5
    for where, response in {**exports, **found}.items():
        assert response.status_code == 200, where
        content_type = response["Content-Type"]
        assert_safe(where, spreadsheet_cells(_body(response), content_type), pattern, "csv" in content_type)

    output = tmp_path / "一览表.xlsx"
    call_command("export_overview_table", "--campaign", "2014", "--output", str(output), stdout=io.StringIO())
    assert_safe("export_overview_table", spreadsheet_cells(output.read_bytes(), "xlsx"), pattern, False)


# --- the cell writer itself, in both kinds of workbook --------------------------------------------

WRITER_CASES = [*HOSTILE, ("\ud800孤", "\ufffd孤")]  # a lone surrogate: no database stores one


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
@pytest.mark.parametrize(("value", "clean"), WRITER_CASES, ids=[repr(v[:30]) for v, _c in WRITER_CASES])
def test_the_cell_writer_makes_text_cells_in_normal_and_write_only_workbooks(write_only, value, clean):
    book = openpyxl.Workbook(write_only=write_only)
    if write_only:
        sheet = book.create_sheet("表")
        write_only_row(sheet, [value, write_only_cell(sheet, 42)])
    else:
        sheet = book.active
        write_text_cell(sheet, 1, 1, value)
        write_text_cell(sheet, 1, 2, 42)
    buffer = io.BytesIO()
    book.save(buffer)

    text, number = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]["A1:B1"][0]
    assert (number.data_type, number.value) == ("n", 42)
    if clean == "":  # nothing left: an empty text cell
        assert (text.data_type, text.value) == ("inlineStr", None)
    else:
        assert text.data_type == "s"
        assert text.value == (LONG[:EXCEL_CELL_LIMIT] if clean is None else clean)
