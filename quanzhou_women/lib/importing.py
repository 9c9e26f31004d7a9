"""The portal's glue for django-import-export: formats, widgets, a base resource and an admin mixin.

- ``SpreadsheetFormat`` is the only import format: it reads whatever staff send (see
  ``quanzhou_women.lib.spreadsheets.read_rows``), whatever the file is called.
- ``XLSXFormat`` is the only export format: text cells, never formulas, Chinese fonts, frozen header.
- ``SpreadsheetResource`` finds the header row under any title lines, matches Chinese headers with
  or without spaces and full-width characters, skips repeated header rows, refuses a key that comes
  twice, names the spreadsheet's own row number and the column in every error, and leaves the
  writing to a service function (``save_row``).
- ``SpreadsheetAdminMixin`` wires them into an admin: permission codes from the settings, the
  export queryset from the admin's ``get_queryset`` (so every scoping of the admin applies), a
  preview that must be free of errors before it can be confirmed, a confirm step that writes all
  or nothing and reads the file from the shared storage (``IMPORT_EXPORT_TMP_STORAGE_CLASS``), and
  downloads with Chinese file names (RFC 6266).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from decimal import Decimal

import tablib
from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, BadRequest, FieldError, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export import resources as import_export_resources
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Error, RowResult

from quanzhou_women.lib import spreadsheets
from quanzhou_women.lib.people import person_name
from quanzhou_women.lib.querysets import ReadOnlyError
from quanzhou_women.lib.spreadsheets import CellError, SpreadsheetError, normalise_label

#: The hidden first column of every imported dataset: the row's number in the spreadsheet.
SOURCE_ROW = "__source_row__"


def _copy_original(obj, memo=None):
    """django-import-export keeps a ``deepcopy`` of every row's stored record (the "before" of the
    preview); a deep copy of a record also copies the project, campaign and unit cached on it, the
    largest cost of a 2,000-row preview. For the records of ``SpreadsheetResource`` (marked
    ``_shallow_original``) the copy shares those related records — they are read, never changed,
    by an import — and copies the record's own values (text, dates, numbers: immutable). Every
    other object is deep-copied as before."""
    if isinstance(obj, models.Model) and getattr(obj, "_shallow_original", False):
        clone = copy.copy(obj)
        clone._state = copy.copy(obj._state)
        clone._state.fields_cache = dict(obj._state.fields_cache)
        return clone
    return copy.deepcopy(obj, memo)


import_export_resources.deepcopy = _copy_original  # marked records shallow, everything else as before


# --- formats ------------------------------------------------------------------------------------


class SpreadsheetFormat(base_formats.Format):
    """Import format for .xlsx, .xls, CSV and tab-separated text, recognised by content."""

    def __init__(self, encoding: str | None = None, max_rows: int | None = None, progress=None) -> None:
        """``max_rows``: the most filled rows read (default ``spreadsheets.MAX_ROWS``; a background
        import passes its own); ``progress(rows)``: called while the rows are read (``read_sheets``)."""
        self.encoding = encoding
        self.max_rows = max_rows or spreadsheets.MAX_ROWS
        self.progress = progress

    def get_title(self) -> str:
        return "xlsx / xls / csv"

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        """A dataset of the non-blank rows of the file's first visible sheet, each led by its row
        number; raises ``SpreadsheetError``.

        Every sheet of the file is kept as ``dataset.sheets`` (``spreadsheets.Sheet``), so that
        the resource can read the one that carries its columns (``SpreadsheetResource.before_import``).
        """
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        sheets = spreadsheets.read_sheets(in_stream, max_rows=self.max_rows, progress=self.progress)
        first = next((sheet for sheet in sheets if not sheet.hidden), sheets[0])
        dataset = sheet_dataset(first)
        dataset.sheets = sheets
        return dataset

    def get_extension(self) -> str:
        return "xlsx"

    def can_import(self) -> bool:
        return True


def sheet_dataset(sheet: spreadsheets.Sheet) -> tablib.Dataset:
    """The rows of ``sheet`` as a dataset: column ``SOURCE_ROW`` (the row's number), then ``#1`` …"""
    width = max((len(row.values) for row in sheet.rows), default=0)
    dataset = tablib.Dataset(headers=[SOURCE_ROW, *(f"#{i}" for i in range(1, width + 1))])
    for row in sheet.rows:
        dataset.append([row.number, *row.values, *([None] * (width - len(row.values)))])
    return dataset


class XLSXFormat(base_formats.XLSX):
    """Export format: one sheet, text cells (never live formulas), 宋体, frozen bold header."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        return spreadsheets.write_table(dataset.headers or [], dataset, title=dataset.title or "")

    def can_import(self) -> bool:
        return False


# --- widgets ------------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Text kept as typed (outer white space trimmed, line breaks normalised); see ``clean_text``."""

    def clean(self, value, row=None, **kwargs) -> str:
        return spreadsheets.clean_text(value)

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)


class CodeWidget(TextWidget):
    """Digits kept as exact text: phone numbers, codes (no ``.0``, no scientific notation)."""

    def clean(self, value, row=None, **kwargs) -> str:
        return spreadsheets.clean_code(value)


class IntegerWidget(widgets.Widget):
    """A whole number such as 序号; ``"01"`` and ``1.0`` give 1."""

    def clean(self, value, row=None, **kwargs) -> int | None:
        return spreadsheets.clean_integer(value)

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.Widget):
    """A number such as a target value; exported as a number without trailing zeros."""

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        return spreadsheets.clean_decimal(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        value = Decimal(value).normalize()
        return int(value) if value == value.to_integral() else float(value)


class DateWidget(widgets.Widget):
    """A date in any shape staff use (see ``clean_date``); exported as a real date cell."""

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        return spreadsheets.clean_date(value)

    def render(self, value, obj=None, **kwargs):
        return value if value is not None else ""


class YesNoWidget(widgets.Widget):
    """是 / 否 (also 1/0, Y/N, √); blank is 否."""

    def clean(self, value, row=None, **kwargs) -> bool:
        text = normalise_label(spreadsheets.clean_text(value))
        if text in {"是", "1", "y", "yes", "true", "√", "✓"}:
            return True
        if text in {"否", "0", "n", "no", "false", "", "×"}:
            return False
        raise CellError(_("“%(value)s” is neither 是 nor 否.") % {"value": spreadsheets.display_value(value)})

    def render(self, value, obj=None, **kwargs) -> str:
        return "是" if value else "否"


class ChoiceWidget(widgets.Widget):
    """A choice written as its Chinese label (e.g. 县级妇联); the stored value is accepted too."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs) -> str:
        text = normalise_label(spreadsheets.clean_text(value))
        for choice in self.choices:
            if text in (normalise_label(choice.label), normalise_label(choice.value)):
                return choice.value
        raise CellError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {
                "value": spreadsheets.display_value(value),
                "choices": "、".join(str(label) for label in self.choices.labels),
            }
        )

    def render(self, value, obj=None, **kwargs) -> str:
        return str(self.choices(value).label) if value else ""


class NameWidget(widgets.Widget):
    """An object named in a cell, e.g. an organisation by its official name.

    The exact name wins; otherwise names are compared after ``normalise_label`` (half- and
    full-width characters, spaces). Raises ``CellError`` for an unknown name or one that matches
    several objects.
    """

    def __init__(self, queryset: Callable[[], models.QuerySet], field: str = "name", what: str = "") -> None:
        super().__init__()
        self.queryset = queryset
        self.field = field
        self.what = what

    def index(self) -> dict[str, dict[str, list[models.Model]]]:
        """Every object of the queryset by exact and by normalised name, read in one query, so that
        an import looks names up without a query per name (``SpreadsheetResource.clean_value``)."""
        exact: dict[str, list[models.Model]] = {}
        normal: dict[str, list[models.Model]] = {}
        for obj in self.queryset():
            value = self.value_of(obj)
            exact.setdefault(str(value), []).append(obj)
            normal.setdefault(normalise_label(str(value)), []).append(obj)
        return {"exact": exact, "normal": normal}

    def value_of(self, obj: models.Model) -> object:
        """The name of ``obj``: its ``field``, following a lookup path such as ``campaign__year``."""
        for part in self.field.split("__"):
            obj = getattr(obj, part)
        return obj

    def lookup(self, name: str, index: dict | None = None) -> models.Model:
        """The object called ``name`` (from ``index`` when given, see ``index``); raises ``CellError``."""
        if index is not None:
            exact = index["exact"].get(str(name), [])[:2]
        else:
            queryset = self.queryset()
            exact = list(queryset.filter(**{self.field: name})[:2])
        if len(exact) == 1:
            return exact[0]
        wanted = normalise_label(str(name))
        if index is not None:
            matches = index["normal"].get(wanted, [])
        else:
            matches = [obj for obj in queryset if normalise_label(str(self.value_of(obj))) == wanted]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CellError(
                _("“%(value)s” matches several names: %(names)s.")
                % {"value": name, "names": "、".join(str(self.value_of(obj)) for obj in matches)}
            )
        raise CellError(
            _("“%(value)s” is not a known %(what)s.")
            % {"value": spreadsheets.display_value(name), "what": self.what}
        )

    def clean(self, value, row=None, index: dict | None = None, **kwargs) -> models.Model | None:
        name = spreadsheets.clean_text(value)
        return self.lookup(name, index) if name else None

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(self.value_of(value))


class NameListWidget(NameWidget):
    """Several names in one cell, one per line on export; on import also split on 、，,;；."""

    def clean(self, value, row=None, index: dict | None = None, **kwargs) -> list[models.Model]:
        found, errors = [], []
        for name in spreadsheets.split_names(value):
            try:
                obj = self.lookup(name, index)
            except CellError as error:
                errors.append(str(error))
                continue
            if obj not in found:
                found.append(obj)
        if errors:
            raise CellError(" ".join(errors))
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return "\n".join(str(getattr(item, self.field)) for item in (value or []))


# --- resources ----------------------------------------------------------------------------------


class _QuietError(Error):
    """A file-level error whose message says it all: staff see no Python traceback."""

    @property
    def traceback(self) -> str:
        if isinstance(self.error, ValueError | ValidationError):
            return ""
        return super().traceback


class _Diff(resources.Diff):
    """The preview's before/after columns, read as the export reads them (``dehydrate_*`` included)."""

    def __init__(self, resource, instance, new) -> None:
        super().__init__(resource, instance, new)
        self.left = self._values(resource, None if new else instance)

    def compare_with(self, resource, instance) -> None:
        # a row written at the end of the file (``bulk_save``) is not saved yet: its values count
        self.right = self._values(resource, instance, saved=False)

    @staticmethod
    def _values(resource, instance, saved: bool = True) -> list:
        if instance is None or (saved and instance.pk is None):  # a new row: nothing before it
            return ["" for _field in resource.get_import_fields()]
        return [resource.export_field(field, instance) for field in resource.get_import_fields()]


class SpreadsheetResource(resources.ModelResource):
    """Base of the portal's import resources; subclasses declare fields and ``save_row``.

    Every declared field has a Chinese ``column_name``, the same on export and import.
    ``column_aliases`` maps a column name to other headers staff use for it. ``key_columns``
    (column names) identify a row; the same key twice in one file is an error.
    """

    column_aliases: dict[str, list[str]] = {}
    key_columns: list[str] = []
    #: True: ``save_row`` only collects the row and ``save_rows`` writes the whole file at the end
    #: (one service call for the file; set ``Meta.use_bulk`` too, so that no savepoint is made per row).
    bulk_save = False

    class Meta:
        skip_unchanged = True
        report_skipped = True
        # The service validates the model (full_clean) before it writes; its errors become row errors.
        clean_model_instances = False
        use_transactions = True

    def __init__(
        self,
        editable: models.QuerySet | None = None,
        actor=None,
        options: dict | None = None,
        seen_at_preview: dict[str, int] | None = None,
        **kwargs,
    ) -> None:
        """``editable``: the rows the user may change (the admin's ``get_queryset``); None = all.
        ``actor``: the user importing, handed to the services, which check their scope for every
        row they create or change (without one, every write is refused). ``options``: what the
        user chose on the upload form (the admin's ``import_options``). ``seen_at_preview``: at the
        confirm step, the version of every row's record as the preview saw it (``rows_seen``)."""
        super().__init__(**kwargs)
        if seen_at_preview is not None:  # the confirm step shows no diff: do not build its HTML
            self._meta = copy.copy(self._meta)
            self._meta.skip_html_diff = True
        self.editable = editable
        self.actor = actor
        self.options = options or {}
        self.seen_at_preview = seen_at_preview
        #: Row number (as text) → the last history id of the row's record when it was read (0: new).
        self.rows_seen: dict[str, int] = {}
        self.preamble: list[str] = []
        self.sheet_note = ""
        self._source_rows: list[int] = []
        self._row_number = 0
        self._seen_keys: dict[tuple, int] = {}
        self._cleaned: dict[tuple[str, str], object] = {}
        self._indexes: dict[str, dict] = {}
        #: Filled by ``prefetch_records``: pk → last history id, and the pks the user may change.
        self._stamps: dict[int, int] | None = None
        self._stamped_pks: set[int] = set()
        self._editable_pks: set[int] = set()
        #: ``bulk_save``: the rows collected by ``save_instance``, written by ``save_rows``.
        self._pending: list[PendingRow] = []
        self._dry_run = False
        #: ``progress(rows)``, when set (a background import), is called every ``PROGRESS_EVERY``
        #: rows checked, with the number of rows checked so far.
        self.progress = None
        self._rows_done = 0

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        """Remember whether this is the preview (``dry_run``) for ``save_rows``."""
        self._dry_run = dry_run
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def get_error_result_class(self):
        return _QuietError

    def clean_value(self, field: fields.Field, row) -> object:
        """``field.clean(row)``, remembered for this import: a name on many rows is looked up once.

        Raises what the widget raises (``CellError``) each time the value comes.
        """
        key = (field.column_name, repr(row.get(field.column_name)))
        if key not in self._cleaned:
            try:
                if isinstance(field.widget, NameWidget):  # all names read once, in one query
                    if field.column_name not in self._indexes:
                        self._indexes[field.column_name] = field.widget.index()
                    self._cleaned[key] = field.clean(row, index=self._indexes[field.column_name])
                else:
                    self._cleaned[key] = field.clean(row)
            except ValueError as error:
                self._cleaned[key] = error
        value = self._cleaned[key]
        if isinstance(value, ValueError):
            raise value
        return value

    def get_diff_class(self):
        return _Diff

    # The header row --------------------------------------------------------------------------

    def _header_lookup(self) -> dict[str, str]:
        lookup = {}
        for field in self.get_import_fields():
            lookup[normalise_label(field.column_name)] = field.column_name
            for alias in self.column_aliases.get(field.column_name, []):
                lookup[normalise_label(alias)] = field.column_name
        return lookup

    def fill_missing_columns(self, present: set[str]) -> dict[str, object]:
        """Values for key columns the file lacks, from ``self.preamble`` (the lines above the header).

        Returns ``{column name: value}``; the base class fills nothing.
        """
        return {}

    def before_import(self, dataset: tablib.Dataset, **kwargs) -> None:
        """Find the header row, name the columns, drop title lines and repeated headers.

        Raises ``SpreadsheetError`` (shown above the preview) when no header row is found, a
        column comes twice or a key column is missing; the dataset is then emptied, so that this
        file-level error is the only one shown (django-import-export would otherwise go on with
        every row and add its own English errors, "Column '年度' not found in dataset").
        """
        try:
            self._choose_sheet(dataset)
            self._find_header(dataset)
        except Exception:
            dataset.wipe()
            self.sheet_note = ""  # the file-level error is the only message
            raise
        self.prefetch(dataset)

    def prefetch(self, dataset: tablib.Dataset) -> None:
        """Read what every row needs for the whole file at once (projects, records, their last
        history ids: ``prefetch_records``), so that the preview's queries do not grow with the rows
        (issue 11, item 9). ``dataset`` has its header found; the base class reads nothing."""

    def prefetch_records(self, pks) -> None:
        """For the records ``pks`` of the resource's model: whether the user may change each
        (``editable``) and its last history id (the ``rows_seen`` stamp), in two queries."""
        pks = set(pks)
        model = self._meta.model
        self._stamps = dict(
            model.history.filter(id__in=pks)
            .values("id")
            .annotate(last=Max("history_id"))
            .values_list("id", "last")
        )
        self._stamped_pks = pks
        if self.editable is not None:
            self._editable_pks = set(self.editable.filter(pk__in=pks).values_list("pk", flat=True))

    def _header_index(self, rows: list) -> int | None:
        """The index of the header row among the first 20 ``rows`` (dataset rows), or None."""
        lookup = self._header_lookup()
        for index, row in enumerate(rows[:20]):
            matched = {lookup.get(normalise_label(cell)) for cell in row[1:] if cell is not None} - {None}
            if len(matched) >= min(2, len(lookup)):
                return index
        return None

    def _choose_sheet(self, dataset: tablib.Dataset) -> None:
        """Put into ``dataset`` the rows of the sheet to read, and say which in ``self.sheet_note``.

        Read: the visible sheet carrying the columns, the active one first, then in the workbook's
        order (a 填表说明 sheet before the data is passed over). A hidden sheet is never read; when
        only a hidden sheet carries the columns, ``SpreadsheetError`` says so. When several visible
        sheets carry them, the first is read and the note names the others.
        """
        self.sheet_note = ""
        sheets = getattr(dataset, "sheets", None)
        if not sheets or len(sheets) < 2:
            return
        qualifying = [sheet for sheet in sheets if self._header_index(list(sheet_dataset(sheet))) is not None]
        visible = sorted((s for s in qualifying if not s.hidden), key=lambda s: not s.active)
        if not visible:
            hidden = [s.name for s in qualifying if s.hidden]
            if hidden:
                raise SpreadsheetError(
                    _(
                        "Only the hidden sheet(s) %(sheets)s carry the columns; hidden sheets are not "
                        "imported. Please unhide the sheet, or copy its table into a visible sheet, and "
                        "import again."
                    )
                    % {"sheets": "、".join(f"“{name}”" for name in hidden)}
                )
            return  # no sheet qualifies: the first visible one is refused for its header
        chosen = visible[0]
        others = [s.name for s in visible[1:]]
        hidden = [s.name for s in qualifying if s.hidden]
        note = _("Read the sheet “%(sheet)s”.") % {"sheet": chosen.name}
        if others:
            note += " " + _(
                "The sheet(s) %(sheets)s also carry the columns and were not read; to import one of "
                "them, move it to the front or delete the others, and upload the file again."
            ) % {"sheets": "、".join(f"“{name}”" for name in others)}
        if hidden:
            note += " " + _("The hidden sheet(s) %(sheets)s were not read.") % {
                "sheets": "、".join(f"“{name}”" for name in hidden)
            }
        if len(sheets) > 1 and (others or hidden or chosen is not sheets[0]):
            self.sheet_note = note
        chosen_rows = sheet_dataset(chosen)
        dataset.wipe()
        dataset.headers = chosen_rows.headers
        for row in chosen_rows:
            dataset.append(row)

    def _find_header(self, dataset: tablib.Dataset) -> None:
        lookup = self._header_lookup()
        rows = list(dataset)
        header_index = self._header_index(rows)
        if header_index is None:
            raise SpreadsheetError(
                _("No header row found. The first rows must name the columns: %(columns)s.")
                % {"columns": "、".join(f.column_name for f in self.get_import_fields())}
            )
        self.preamble = [
            spreadsheets.clean_text(cell)
            for row in rows[:header_index]
            for cell in row[1:]
            if isinstance(cell, str) and cell.strip()
        ]
        header_rows = self._header_rows(rows, header_index, lookup)
        headers, present, unused = [], set(), []
        for position, cells in enumerate(zip(*(row[1:] for row in header_rows), strict=True), 1):
            names = [lookup.get(normalise_label(cell)) for cell in cells]
            name = next((n for n in reversed(names) if n), None)  # the lower row names a sub-column
            if name in present:
                raise SpreadsheetError(_("The column “%(column)s” appears twice.") % {"column": name})
            if name:
                present.add(name)
            else:
                unused.append((position, cells))
            headers.append(name or f"#{position}")
        filled = self.fill_missing_columns(present)
        missing = [column for column in self.key_columns if column not in present and column not in filled]
        if missing:
            raise SpreadsheetError(
                _("The file lacks the column(s) %(columns)s.") % {"columns": "、".join(missing)}
            )
        body = []
        rows = [[row[0], *("" if cell is None else cell for cell in row[1:])] for row in rows]
        for row in rows[header_index + len(header_rows) :]:
            repeated = {lookup.get(normalise_label(cell)) for cell in row[1:] if cell is not None} - {None}
            if len(repeated) >= min(2, len(lookup)):
                continue  # the header printed again (second page, second half of the table)
            body.append([*row, *filled.values()])
        if not body:
            raise SpreadsheetError(_("The file has a header row but no rows of data below it."))
        self._note_unused_columns(unused, body)
        dataset.wipe()
        dataset.headers = [SOURCE_ROW, *headers, *filled.keys()]
        for row in body:
            dataset.append(row)
        self._source_rows = [row[0] for row in body]

    @staticmethod
    def _header_rows(rows: list, header_index: int, lookup: dict[str, str]) -> list:
        """The header row, and the row below it too when the header is grouped (two rows: 定责任
        merged over 责任人 / 职务 / 联系电话): the lower row names a column that the upper row at the
        same place does not. A header printed again (the same names in the same places) is one row."""
        header = rows[header_index]
        if header_index + 1 >= len(rows):
            return [header]
        below = rows[header_index + 1]
        for upper, lower in zip(header[1:], below[1:], strict=False):
            name = lookup.get(normalise_label(lower))
            if name and name != lookup.get(normalise_label(upper)):
                return [header, below]
        return [header]

    def _note_unused_columns(self, unused: list[tuple[int, tuple]], body: list) -> None:
        """Name in ``self.sheet_note`` every column of the file the import does not read (a header
        it does not know, or no header above filled cells), so that nothing is dropped silently."""
        names = []
        for position, cells in unused:
            label = " / ".join(
                dict.fromkeys(spreadsheets.clean_text(c) for c in cells if str(c or "").strip())
            )
            if label or any(str(row[position] or "").strip() for row in body if position < len(row)):
                names.append(
                    f"“{label}”" if label else _("column %(number)s (no header)") % {"number": position}
                )
        if names:
            note = _("These columns of the file were not imported: %(columns)s.") % {
                "columns": "、".join(names)
            }
            self.sheet_note = f"{self.sheet_note} {note}".strip()

    # Rows ------------------------------------------------------------------------------------

    def _field_for(self, key: str) -> fields.Field | None:
        for name, field in self.fields.items():
            if key in (name, field.attribute, field.column_name):
                return field
        return None

    def _row_error(self, error: ValidationError | CellError | str) -> ValidationError:
        """``error`` with every message prefixed by the row number and keyed by the column name."""
        if not isinstance(error, ValidationError):
            error = ValidationError(str(error))
        row = self._row_number
        if hasattr(error, "error_dict"):
            items = error.message_dict.items()
        else:
            items = [(NON_FIELD_ERRORS, error.messages)]
        rekeyed: dict[str, list[str]] = {}
        for key, messages_ in items:
            field = self._field_for(key) if key != NON_FIELD_ERRORS else None
            column = field.column_name if field else key
            for message in messages_:
                if field:
                    text = _("Row %(row)s, column “%(column)s”: %(message)s") % {
                        "row": row,
                        "column": column,
                        "message": message,
                    }
                else:
                    text = _("Row %(row)s: %(message)s") % {"row": row, "message": message}
                rekeyed.setdefault(column, []).append(text)
        return ValidationError(rekeyed)

    def before_import_row(self, row, **kwargs) -> None:
        """Remember the row's spreadsheet number; refuse a key already seen in this file."""
        self._row_number = row.get(SOURCE_ROW) or kwargs.get("row_number")
        key = []
        for column in self.key_columns:
            field = self._field_for(column)
            try:
                value = self.clean_value(field, row) if field else row.get(column)
            except (ValueError, KeyError):
                return  # the bad value is reported with the row
            key.append(value.pk if isinstance(value, models.Model) else normalise_label(value))
        if key and all(part not in ("", None) for part in key):
            first = self._seen_keys.setdefault(tuple(key), self._row_number)
            if first != self._row_number:
                raise self._row_error(
                    _("the same %(key)s as row %(first)s; each may appear only once in a file.")
                    % {
                        "key": "、".join(
                            f"{c}“{spreadsheets.display_value(row.get(c))}”" for c in self.key_columns
                        ),
                        "first": first,
                    }
                )

    def get_or_init_instance(self, instance_loader, row):
        """The row's stored object (refused when outside ``editable``, or when it changed since the
        preview: ``_refuse_changed_since_preview``), or a new one."""
        instance, new = super().get_or_init_instance(instance_loader, row)
        instance._shallow_original = True  # see _copy_original
        prefetched = not new and self._stamps is not None and instance.pk in self._stamped_pks
        if not new and self.editable is not None:
            allowed = (
                instance.pk in self._editable_pks
                if prefetched
                else self.editable.filter(pk=instance.pk).exists()
            )
            if not allowed:
                raise self._row_error(_("you may not change “%(object)s”.") % {"object": instance})
        if new:
            last, stamp = None, 0
        elif prefetched:
            stamp = self._stamps.get(instance.pk, 0)
            last = _LazyLast(instance) if stamp else None
        else:
            last = instance.history.order_by("-history_id").first()
            stamp = last.history_id if last else 0
        self.rows_seen[str(self._row_number)] = stamp
        if self.seen_at_preview is not None:
            self._refuse_changed_since_preview(stamp, last)
        return instance, new

    def _refuse_changed_since_preview(self, stamp: int, last) -> None:
        """At the confirm step, a row whose record was written by anybody after the preview (its
        last history record is not the one the preview saw) is refused, naming who and when, so
        that the file's old value never overwrites a newer one without a word (issue 11, "lost
        update between preview and confirm"); the whole file is then rolled back."""
        if self.seen_at_preview.get(str(self._row_number)) == stamp:
            return
        if isinstance(last, _LazyLast):
            last = last.record()
        if last is None:
            raise self._row_error(
                _("this record was deleted after the preview; please upload the file again.")
            )
        raise self._row_error(
            _(
                "this record was changed by %(person)s at %(when)s, after the preview; nothing was written, "
                "so that the change is not overwritten. Please upload the file again and check the new preview."
            )
            % {
                "person": person_name(last.history_user),
                "when": _("%(month)s-%(day)s %(time)s")
                % {
                    "month": (when := timezone.localtime(last.history_date)).month,
                    "day": when.day,
                    "time": when.strftime("%H:%M"),
                },
            }
        )

    def import_instance(self, instance, row, **kwargs) -> None:
        """Set the model fields from the row and clean the relation columns into ``instance.row_extras``."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance.row_extras = {}
        for field in self.get_import_fields():
            if field.attribute is None and not field.readonly and field.column_name in row:
                try:
                    instance.row_extras[field.column_name] = self.clean_value(field, row)
                except ValueError as error:
                    errors[field.column_name] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True) -> None:
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            raise self._row_error(error) from error

    def save_instance(self, instance, is_create, row, **kwargs) -> None:
        """Write through ``save_row`` (a service); its ``ValidationError`` becomes a row error, and so
        does its ``PermissionDenied`` (a row outside the user's scope, new or not) and its
        ``ReadOnlyError`` (a row of a closed round: the error names the round)."""
        if self.bulk_save:
            self._pending.append(
                PendingRow(self._row_number, kwargs.get("row_number", 0), row, instance, is_create)
            )
            return
        try:
            self.save_row(instance, is_create=is_create, extras=getattr(instance, "row_extras", {}))
        except ValidationError as error:
            raise self._row_error(error) from error
        except PermissionDenied as error:
            raise self._row_error(refusal_text(error, instance)) from error

    def save_row(self, instance, *, is_create: bool, extras: dict) -> None:
        """Write one row through a service function; subclasses implement it."""
        raise NotImplementedError

    def save_rows(self, pending: list[PendingRow], *, dry_run: bool) -> dict[int, Exception]:
        """``bulk_save``: check (``dry_run``, the preview) or write every collected row through one
        service call; returns ``{index in pending: error}`` (then nothing may have been written)."""
        raise NotImplementedError

    def after_import_row(self, row, row_result, **kwargs) -> None:
        """Pair a collected row (``bulk_save``) with its result, to mark it if ``save_rows`` refuses it."""
        super().after_import_row(row, row_result, **kwargs)
        self._rows_done += 1
        if self.progress is not None and self._rows_done % spreadsheets.PROGRESS_EVERY == 0:
            self.progress(self._rows_done)
        if (
            self._pending
            and self._pending[-1].number == self._row_number
            and self._pending[-1].row_result is None
        ):
            self._pending[-1].row_result = row_result

    def _save_pending(self, result) -> None:
        """Hand the collected rows to ``save_rows``; each refused row becomes an invalid row of the
        result (the file is then rolled back, as for any row error)."""
        if not self._pending:
            return
        # another row already failed: the file is rolled back anyway, so only check these
        check_only = self._dry_run or result.has_errors() or result.has_validation_errors()
        errors = self.save_rows(self._pending, dry_run=check_only)
        for index, error in sorted(errors.items()):
            pending = self._pending[index]
            self._row_number = pending.number
            if isinstance(error, PermissionDenied):
                error = refusal_text(error, pending.instance)
            elif isinstance(error, ValidationError | CellError):
                pass
            else:
                error = str(error)
            row_error = self._row_error(error)
            if pending.row_result is not None:
                result.totals[pending.row_result.import_type] -= 1
                pending.row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                pending.row_result.validation_error = row_error
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            result.append_invalid_row(pending.index, pending.row, row_error)
        result.invalid_rows.sort(key=lambda invalid: invalid.number)
        self._pending = []

    def save_m2m(self, instance, row, **kwargs) -> None:
        """Relations are written by ``save_row``."""

    def skip_row(self, instance, original, row, import_validation_errors=None) -> bool:
        """A row is unchanged when every column it carries equals the stored value (line breaks aside)."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.column_name not in row or field.readonly:
                continue
            if field.attribute is None:
                new = instance.row_extras.get(field.column_name)
                old = getattr(self, f"dehydrate_{self._name_of(field)}")(original)
                if field.widget.render(new) != old:
                    return False
            elif _comparable(field.get_value(instance)) != _comparable(field.get_value(original)):
                return False
        return True

    def _name_of(self, field: fields.Field) -> str:
        return next(name for name, candidate in self.fields.items() if candidate is field)

    def after_import(self, dataset, result, **kwargs) -> None:
        """Number invalid rows as the spreadsheet program does, not by their place in the dataset;
        hand the note on the sheet read (``_choose_sheet``) to the preview as ``result.sheet_note``."""
        self._save_pending(result)
        super().after_import(dataset, result, **kwargs)
        result.sheet_note = getattr(self, "sheet_note", "")
        result.rows_seen = self.rows_seen
        for invalid in result.invalid_rows:
            if 0 < invalid.number <= len(self._source_rows):
                invalid.number = self._source_rows[invalid.number - 1]


class PendingRow:
    """A row collected by ``save_instance`` for ``save_rows`` (``bulk_save``): its spreadsheet row
    ``number``, its ``index`` in the dataset (from 1), the row, the instance and whether it is new."""

    def __init__(self, number, index: int, row, instance, is_create: bool) -> None:
        self.number = number
        self.index = index
        self.row = row
        self.instance = instance
        self.is_create = is_create
        self.row_result = None


class _LazyLast:
    """The last history record of ``instance``, read only when a row is refused (``prefetch_records``)."""

    def __init__(self, instance) -> None:
        self.instance = instance

    def record(self):
        return self.instance.history.select_related("history_user").order_by("-history_id").first()


def refusal_text(error: PermissionDenied, instance) -> str:
    """The row error for a writer's refusal of ``instance``: a ``ReadOnlyError`` (e.g. a row of a
    closed round) names the round and why; any other ``PermissionDenied`` says the user may not."""
    if isinstance(error, ReadOnlyError):
        return _("“%(object)s” is part of %(where)s: %(reason)s") % {
            "object": instance,
            "where": error.where or str(instance),
            "reason": error,
        }
    return _("you may not write “%(object)s”.") % {"object": instance}


def _comparable(value):
    if isinstance(value, str):
        return spreadsheets.normalise_line_breaks(value).strip()
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, models.Model):
        return value.pk
    return value


# --- admin --------------------------------------------------------------------------------------


class SpreadsheetImportForm(ImportForm):
    """The upload form, with the size limit checked before anything is read."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > spreadsheets.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s MB; at most %(limit)s MB can be imported at a time.")
                % {
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": spreadsheets.MAX_FILE_BYTES // 1024 // 1024,
                }
            )
        return upload


#: The salt of the signed ``rows_seen`` the preview hands to the confirm step.
ROWS_SEEN_SALT = "quanzhou_women.importing.rows_seen"


class SpreadsheetConfirmForm(ConfirmImportForm):
    """The confirm step: what the preview saw of every row (``seen``: ``rows_seen`` signed, so
    that it cannot be edited into a lost update) and the import's options as chosen on upload."""

    seen = forms.CharField(widget=forms.HiddenInput(), required=False)

    def clean_seen(self) -> dict[str, int] | None:
        value = self.cleaned_data["seen"]
        if not value:
            return None
        try:
            return signing.loads(value, salt=ROWS_SEEN_SALT)
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("The preview has expired; please upload the file again.")
            ) from error


#: Rows of the preview per page, and the most unchanged rows it lists.
PREVIEW_PAGE_ROWS = 200
PREVIEW_UNCHANGED_ROWS = 200


def import_counts(result) -> dict[str, int]:
    """The rows of an import ``result`` by outcome: ``new``, ``changed``, ``unchanged`` and
    ``errors`` (rows refused, plus errors of the whole file)."""
    totals = result.totals
    error_rows = len(result.invalid_rows) + len(result.row_errors())
    return {
        "new": totals.get(RowResult.IMPORT_TYPE_NEW, 0),
        "changed": totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
        "unchanged": totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
        "errors": error_rows or len(result.base_errors),
    }


def result_errors(result) -> list[str]:
    """Every error message of an import ``result``: those of the file, then of each refused row
    (第 N 行，“列名”列：…), in the order of the rows."""
    found = [str(error.error) for error in result.base_errors]
    for row in result.invalid_rows:
        found += [str(message) for messages_ in row.error_dict.values() for message in messages_]
    for _number, errors in result.row_errors():
        found += [str(error.error) for error in errors]
    return found


def preview_rows_html(rows) -> str:
    """The ``<tr>`` of every row of the preview: its kind (新增, 修改, 未变) and its diff cells (HTML
    made by django-import-export, escaped by it). Built here, not in a template loop: 2,000 rows of
    nine cells cost a template about a second."""
    labels = {
        RowResult.IMPORT_TYPE_NEW: _("New"),
        RowResult.IMPORT_TYPE_UPDATE: _("Update"),
        RowResult.IMPORT_TYPE_SKIP: _("Skipped"),
    }
    return format_html_join(
        "\n",
        '<tr class="{}"><td class="import-type">{}</td>{}</tr>',
        (
            (
                row.import_type,
                labels.get(row.import_type, ""),
                format_html_join("", "<td>{}</td>", ((cell,) for cell in row.diff or ())),
            )
            for row in rows
        ),
    )


def preview_context(result) -> dict:
    """What the preview page shows of ``result`` (issue 11, item 9): the counts line
    (新增 N、修改 M、未变 K、错误 E), the new and changed rows in pages of ``PREVIEW_PAGE_ROWS``
    (``[{"first", "last", "rows", "html"}]``, numbered by their place among the shown rows) and the first
    ``PREVIEW_UNCHANGED_ROWS`` unchanged rows, folded away on the page."""
    counts = import_counts(result)
    shown, unchanged = [], []
    for row in result.valid_rows():
        (unchanged if row.import_type == RowResult.IMPORT_TYPE_SKIP else shown).append(row)
    pages = [
        {
            "first": start + 1,
            "last": min(start + PREVIEW_PAGE_ROWS, len(shown)),
            "rows": shown[start : start + PREVIEW_PAGE_ROWS],
            "html": preview_rows_html(shown[start : start + PREVIEW_PAGE_ROWS]),
        }
        for start in range(0, len(shown), PREVIEW_PAGE_ROWS)
    ]
    return {
        "import_counts": _("New %(new)s, changed %(changed)s, unchanged %(unchanged)s, errors %(errors)s")
        % counts,
        "preview_pages": pages,
        "import_unchanged": counts["unchanged"],
        "unchanged_rows": unchanged[:PREVIEW_UNCHANGED_ROWS],
        "unchanged_html": preview_rows_html(unchanged[:PREVIEW_UNCHANGED_ROWS]),
        "unchanged_more": max(0, len(unchanged) - PREVIEW_UNCHANGED_ROWS),
    }


class SpreadsheetAdminMixin(ImportExportMixin):
    """Import and export for an admin, as described in this module's docstring.

    Exports use ``get_export_queryset`` (the admin's ``get_queryset`` with the list's filters), so
    an admin that scopes its queryset to the user's organisation scopes the export too. Import needs
    the model's change permission, export its view permission (``IMPORT_EXPORT_*_PERMISSION_CODE``).
    """

    import_form_class = SpreadsheetImportForm
    confirm_form_class = SpreadsheetConfirmForm
    #: Fields of the upload form handed to the resource as ``options`` (and kept by the confirm form).
    import_options: tuple[str, ...] = ()
    import_formats = [SpreadsheetFormat]
    export_formats = [XLSXFormat]
    import_error_display = ("message",)
    import_template_name = "admin/import_export/portal_import.html"

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        """The reason a file cannot be read, as the one error of the upload field.

        The format is told by the content, never by the name; but an Office 97-2003 container that
        cannot be read and is named .et/.ett is WPS's own format, and staff are told so.
        """
        upload = form.files.get("import_file") if hasattr(form, "files") else None
        name = str(getattr(upload, "name", "") or "").lower()
        if isinstance(e, spreadsheets.UnreadableOleError) and name.endswith((".et", ".ett")):
            form.add_error(
                "import_file",
                _(
                    "This is a WPS spreadsheet in its own format (.et/.ett). Please open it in WPS, "
                    "choose Save As → “Excel Workbook (*.xlsx)” and import that file."
                ),
            )
        elif isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error("import_file", _("The file cannot be read as a spreadsheet."))

    def get_export_queryset(self, request):
        """The list's rows under its filters; an address with filters the list does not have (a
        hand-edited link, ``?format=xlsx``) is a 400 (``BadRequest``, the Chinese 400 page), not a 500."""
        try:
            return super().get_export_queryset(request)
        except (IncorrectLookupParameters, FieldError, ValidationError, ValueError) as error:
            raise BadRequest(_("The filters in the address are not valid for this list.")) from error

    def get_import_resource_kwargs(self, request, **kwargs) -> dict:
        """Rows outside the admin's ``get_queryset`` (its per-organisation scoping) cannot be changed;
        the options chosen on upload, and at the confirm step what the preview saw of every row."""
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", {}) if form is not None else {}
        kwargs = super().get_import_resource_kwargs(request, **kwargs)
        kwargs["editable"] = self.get_queryset(request)
        kwargs["actor"] = request.user
        kwargs["options"] = {name: cleaned.get(name) for name in self.import_options}
        if isinstance(form, SpreadsheetConfirmForm):
            kwargs["seen_at_preview"] = cleaned.get("seen") or {}
        return kwargs

    def get_confirm_form_initial(self, request, import_form) -> dict:
        """The options chosen on upload go on to the confirm step."""
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial.update({name: import_form.cleaned_data.get(name) for name in self.import_options})
        return initial

    def get_import_data_kwargs(self, **kwargs) -> dict:
        """Confirming writes every row or none: a row that fails then rolls the whole file back."""
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def import_action(self, request, **kwargs):
        """The upload and preview step; every error of the file is also listed at the top of the page."""
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        confirm_form = getattr(response, "context_data", {}).get("confirm_form")
        if confirm_form is not None:
            confirm_form.initial["seen"] = signing.dumps(
                getattr(result, "rows_seen", {}), salt=ROWS_SEEN_SALT
            )
        if result is not None and getattr(result, "sheet_note", ""):
            messages.warning(request, result.sheet_note)
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            self._list_errors(request, result)
        if result is not None and hasattr(response, "context_data"):
            response.context_data.update(preview_context(result))
        return response

    def _list_errors(self, request, result, limit: int = 30) -> None:
        found = result_errors(result)
        messages.error(
            request,
            _("%(count)s error(s) found; nothing was written. Please correct the file and upload it again.")
            % {"count": len(found)},
        )
        for message in found[:limit]:
            messages.error(request, message)

    def process_import(self, request, **kwargs):
        """Confirm an import; a file no longer in storage or unreadable gives a message, not a 500."""
        try:
            return super().process_import(request, **kwargs)
        except (OSError, SpreadsheetError):
            messages.error(
                request,
                _(
                    "The uploaded file is no longer available (it was imported already or has expired). "
                    "Nothing was written; please upload it again."
                ),
            )
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))

    def process_result(self, result, request):
        """After confirming: on any error nothing was written, and the errors are shown again."""
        if result.has_errors() or result.has_validation_errors():
            self._list_errors(request, result)
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("Import"),
                    "opts": self.model._meta,
                    "result": result,
                    # A fresh upload form: the confirm step's fields are not an upload to complain about.
                    "form": self.get_import_form_class(request)(
                        self.get_import_formats(), self.get_import_resource_classes(request)
                    ),
                    "import_error_display": self.import_error_display,
                    **preview_context(result),
                }
            )
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)

    def get_export_filename(self, request, queryset, file_format) -> str:
        date = timezone.localdate().isoformat()
        return f"{self.model._meta.verbose_name_plural}-{date}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = spreadsheets.content_disposition(
            self.get_export_filename(request, queryset, file_format)
        )
        return response


__all__ = [
    "CodeWidget",
    "DateWidget",
    "DecimalWidget",
    "IntegerWidget",
    "NameListWidget",
    "NameWidget",
    "SpreadsheetAdminMixin",
    "SpreadsheetConfirmForm",
    "SpreadsheetFormat",
    "SpreadsheetResource",
    "TextWidget",
    "XLSXFormat",
    "YesNoWidget",
    "gettext_lazy",
]
