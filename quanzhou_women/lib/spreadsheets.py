"""Spreadsheets as staff really send them, and spreadsheets that open cleanly in Excel and WPS.

Reading (``read_rows``) turns the bytes of an uploaded file into numbered rows of cell values,
whatever the file claims to be: the format is detected from the content (.xlsx, .xls, CSV or
tab-separated text), never from the name; text is decoded from UTF-8 with or without a BOM,
UTF-16 ("Unicode text") or GB18030 (which covers GBK, the "CSV (逗号分隔)" of Chinese Excel and
WPS); any line ending is accepted; merged cells give their value to every cell they cover; blank
and "phantom" rows (formatted but empty) are skipped; files and sheets above the limits are
refused with a clear message. Cell values are then cleaned by the ``clean_*`` functions, which
raise ``CellError`` with a Chinese message quoting the value.

Writing goes through one cell writer, ``write_cell`` (with ``write_text_cell`` for normal and
``write_only_cell``/``write_only_row`` for write-only workbooks, and ``write_table`` for a flat
table): every string is a text cell (a value that begins with ``=`` is never a live formula) and
what XML cannot carry is removed, so that control characters pasted from Word (``\\x0b``,
``\\x07``) never break an export. Every .xlsx of the portal is written through it.
"""

from __future__ import annotations

import codecs
import copy
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext as _

#: Largest upload accepted, in bytes (the 2014 table is 10 KB; a year's plans are well under 1 MB).
MAX_FILE_BYTES = 5 * 1024 * 1024
#: Largest total unpacked size of an .xlsx, in bytes (guards against "zip bombs").
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
#: Largest unpacked size of any one part of an .xlsx (2,000 rows of the 四定 table: 1 to 5 MB of XML;
#: 100,000 rows: about 25 MB, streamed and refused at row 2,001).
MAX_PART_BYTES = 50 * 1024 * 1024
#: Largest unpacked size of any other part (shared strings, styles: each of them is read whole).
MAX_OTHER_PART_BYTES = 10 * 1024 * 1024
#: Highest unpacked-to-packed ratio of a part over ``RATIO_FLOOR_BYTES`` (real sheets: 5 to 30).
MAX_COMPRESSION_RATIO = 100
#: Parts at most this size unpacked are not held to the ratio (a tiny empty part packs very well).
RATIO_FLOOR_BYTES = 1024 * 1024
#: Most non-blank rows one import may carry.
MAX_ROWS = 2000
#: Most rows of any kind (formatted but empty ones too) streamed from one sheet of a workbook.
MAX_SHEET_ROWS = 10 * MAX_ROWS
#: Most columns read from one row.
MAX_COLUMNS = 60

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Characters that XML 1.0 (and so .xlsx) cannot carry, apart from tab, LF and CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Control characters refused in imported text (tab, LF and CR are line layout; see ``clean_text``).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: Invisible characters removed from every text cell (``clean_text``) and header: zero-width space,
#: zero-width non-joiner and joiner, word joiner, U+FEFF (a byte-order mark inside text) and the
#: soft hyphen. Pasted from web pages and WeChat, they make a name differ from itself unseen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Dashes that staff type in phone numbers for "-" (NFKC leaves them as they are).
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63]")
_LIST_SEPARATORS = re.compile(r"[\n、，,;；]+")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is Chinese and says what to do."""


class TooManyRowsError(SpreadsheetError):
    """The file has more filled rows than the limit it was read with (``limit``); raised while the
    sheet streams, at the first row over it. An admin that imports big files in the background
    (``reporting.background_import``) hands such a file to a task instead of refusing it."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            _("The file has at least %(count)s filled rows; at most %(limit)s can be imported at a time.")
            % {"count": limit + 1, "limit": limit}
        )
        self.limit = limit


class CellError(ValueError):
    """One cell's value is not acceptable; the message is Chinese and quotes the value."""


@dataclass(frozen=True)
class Formula:
    """A formula cell of an uploaded workbook: its text, e.g. ``=SUM(A1:A3)``.

    Imports refuse formulas in the columns they read: the value a formula shows depends on other
    cells and on the program that last computed it.
    """

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Row:
    """One non-blank row of a sheet: its number as the spreadsheet program shows it, and its values."""

    number: int
    values: tuple


@dataclass(frozen=True)
class Sheet:
    """One sheet of an uploaded file: its name, whether it is hidden, and its non-blank rows.

    ``active`` is the sheet the workbook opens on. A CSV is one visible, active sheet named "".
    """

    name: str
    hidden: bool
    active: bool
    rows: list[Row]


#: Most sheets read from one workbook (the rest are ignored).
MAX_SHEETS = 20


# --- reading ------------------------------------------------------------------------------------


def read_sheets(data: bytes, max_rows: int = MAX_ROWS, progress=None) -> list[Sheet]:
    """Read every sheet (at most ``MAX_SHEETS``) of an uploaded file, in the workbook's order.

    As ``read_rows``, sheet by sheet: each is streamed and refused beyond ``max_rows`` filled
    rows (``TooManyRowsError``; a background import passes its larger limit, reading stays
    streamed). Hidden sheets ("hidden" or "veryHidden") are returned too, marked, so that the caller
    can say why it did not read them. ``progress(rows)``, when given, is called with the number of
    filled rows read so far of an .xlsx or text file, every ``PROGRESS_EVERY`` rows. Raises
    ``SpreadsheetError``.
    """
    if not data:
        raise SpreadsheetError(_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported at a time.")
            % {"size": round(len(data) / 1024 / 1024, 1), "limit": MAX_FILE_BYTES // 1024 // 1024}
        )
    limits = _Limits(max_rows, progress)
    if data.startswith(_ZIP_MAGIC):
        sheets = _read_xlsx(data, limits)
    elif data.startswith(_OLE_MAGIC):
        sheets = _read_xls(data)
    else:
        sheets = [Sheet("", False, True, _read_text(data, limits))]
    out = []
    for sheet in sheets:
        rows = [row for row in sheet.rows if not _is_blank(row.values)]
        if len(rows) > max_rows:
            raise TooManyRowsError(max_rows)
        out.append(Sheet(sheet.name, sheet.hidden, sheet.active, rows))
    return out


def read_rows(data: bytes) -> list[Row]:
    """Read the first sheet of an uploaded file into its non-blank rows.

    ``data`` is the whole file. The format is detected from the content. Values are ``str``,
    ``int``, ``float``, ``datetime.datetime``, ``bool``, ``Formula`` or ``None``. Raises
    ``SpreadsheetError`` for an empty, over-large, unreadable or non-spreadsheet file, and for a
    sheet of more than ``MAX_ROWS`` filled rows (found while streaming: reading stops at the first
    row over the limit, so a 100,000-row file costs no more than a 2,001-row one). Imports choose
    their sheet from ``read_sheets``.
    """
    return read_sheets(data)[0].rows


#: How often (in filled rows) ``read_sheets`` reports its progress.
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class _Limits:
    """The row limit of one read (``read_sheets``'s ``max_rows``) and its progress callback."""

    rows: int = MAX_ROWS
    progress: object = None

    @property
    def sheet_rows(self) -> int:
        """Most rows of any kind streamed from one sheet: ``MAX_SHEET_ROWS``, or twice the row limit."""
        return max(MAX_SHEET_ROWS, 2 * self.rows)

    def count(self, filled: int) -> None:
        """Refuse the ``filled``-th filled row beyond the limit; report progress now and then."""
        if filled > self.rows:
            raise TooManyRowsError(self.rows)
        if self.progress is not None and filled % PROGRESS_EVERY == 0:
            self.progress(filled)


def _is_blank(values: Sequence) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _open_archive(data: bytes) -> zipfile.ZipFile:
    """The .xlsx as a zip archive whose every part is within the limits; raises ``SpreadsheetError``.

    Each part's unpacked size (as the archive declares it; ``zipfile`` never unpacks more than
    that, it fails the part instead) must be at most ``MAX_PART_BYTES``, their total at most
    ``MAX_UNPACKED_BYTES``, and a part of more than ``RATIO_FLOOR_BYTES`` may be at most
    ``MAX_COMPRESSION_RATIO`` times its packed size: a "decompression bomb" (89 KB that unpack to
    57 MB) is refused from the archive's directory, before any of it is unpacked.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpreadsheetError(_("The file is damaged: it cannot be opened as an Excel workbook.")) from error
    total = 0
    for info in infos:
        total += info.file_size
        limit = MAX_PART_BYTES if info.filename.startswith("xl/worksheets/") else MAX_OTHER_PART_BYTES
        if info.file_size > limit or total > MAX_UNPACKED_BYTES:
            raise SpreadsheetError(_("The workbook is too large to import; please split it."))
        if (
            info.file_size > RATIO_FLOOR_BYTES
            and info.file_size / max(info.compress_size, 1) > MAX_COMPRESSION_RATIO
        ):
            raise SpreadsheetError(
                _(
                    "The workbook unpacks to far more data than a table of %(limit)s rows holds; it is "
                    "refused as unsafe. Please copy the table into a new workbook and import that."
                )
                % {"limit": MAX_ROWS}
            )
    return archive


def _read_xlsx(data: bytes, limits: _Limits) -> list[Sheet]:
    archive = _open_archive(data)
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SpreadsheetError(_("This is a Word document, not a spreadsheet."))
        if "content.xml" in names:
            raise SpreadsheetError(
                _("This is an OpenDocument spreadsheet (.ods); please save it as .xlsx and import again.")
            )
        raise SpreadsheetError(_("The file is not an Excel workbook."))
    with archive.open("xl/workbook.xml") as part:
        if b"purl.oclc.org/ooxml/" in part.read(4096):
            raise SpreadsheetError(
                _(
                    "The workbook is saved as “Strict Open XML Spreadsheet”, which cannot be imported. "
                    "Please save it again choosing “Excel Workbook (*.xlsx)” and import it again."
                )
            )

    try:
        # Read-only: the sheet is streamed, and reading stops at the first row over the limit.
        reader = _streaming_reader()(io.BytesIO(data), read_only=True, data_only=False)
        reader.read()
        book = reader.wb
        active = book.active
        sheets = [
            Sheet(
                sheet.title,
                sheet.sheet_state != "visible",
                sheet is active,
                _stream_sheet(sheet, archive, limits),
            )
            for sheet in book.worksheets[:MAX_SHEETS]
        ]
    except SpreadsheetError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(_("The file is damaged: it cannot be opened as an Excel workbook.")) from error
    if not sheets:
        raise SpreadsheetError(_("The file is damaged: it cannot be opened as an Excel workbook."))
    return sheets


def _streaming_reader():
    """openpyxl's read-only workbook reader, whose sheets do not scan themselves for their size.

    openpyxl's read-only sheet looks for ``<dimension>`` when it is opened and, when the file has
    none (WPS, hand-made files), reads the whole sheet to find it: 6 s for 100,000 rows. The
    portal never trusts that size (``reset_dimensions``), so it is not looked for.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            self._max_column = self._max_row = None

    class StreamingReader(ExcelReader):
        def read_worksheets(self) -> None:
            for entry, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                sheet = UnsizedSheet(self.wb, entry.name, rel.target, self.shared_strings)
                sheet.sheet_state = entry.state
                self.wb._sheets.append(sheet)

    return StreamingReader


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+):([A-Z]+\d+)"')


def _merged_ranges(archive: zipfile.ZipFile, path: str) -> set[tuple[bytes, bytes]]:
    """The ``(first, last)`` cell references of every merged range of the sheet XML at ``path``,
    read in 1 MB pieces (the part may be large; ``_open_archive`` has bounded it)."""
    found: set[tuple[bytes, bytes]] = set()
    tail = b""
    with archive.open(path) as part:
        while chunk := part.read(1024 * 1024):
            text = tail + chunk
            found.update(_MERGE_REF.findall(text))
            tail = text[-200:]
    return found


def _stream_sheet(sheet, archive: zipfile.ZipFile, limits: _Limits) -> list[Row]:
    """The rows of a read-only openpyxl ``sheet``, at most ``limits.rows`` filled ones (else refused).

    The size the sheet declares (WPS sometimes writes ``<dimension ref="A1"/>``) is not trusted;
    merged cells, which read-only sheets do not report, are read from the sheet's XML (at most
    ``MAX_PART_BYTES``) and give their value to every cell they cover.
    """
    from openpyxl.utils.cell import coordinate_to_tuple

    sheet.reset_dimensions()
    cells: dict[int, dict[int, object]] = {}
    filled = 0
    for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), 1):  # gaps come as empty rows
        if number > limits.sheet_rows:
            raise SpreadsheetError(
                _(
                    "The sheet “%(sheet)s” goes on beyond row %(limit)s, with empty rows that still "
                    "carry formatting; please delete the empty rows below the table (or copy the table "
                    "into a new workbook) and import again."
                )
                % {"sheet": sheet.title, "limit": limits.sheet_rows}
            )
        columns: dict[int, object] = {}
        for cell in row:
            value = getattr(cell, "value", None)
            if value is None:
                continue
            if cell.data_type == "f" or not isinstance(value, str | int | float | bool | datetime.date):
                value = Formula(str(getattr(value, "text", value)))
            elif isinstance(value, str):
                value = _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
            columns[cell.column] = value
        if columns:
            if not _is_blank(tuple(columns.values())):
                filled += 1
                limits.count(filled)
            cells[number] = columns
    for first, last in _merged_ranges(archive, sheet._worksheet_path):
        min_row, min_col = coordinate_to_tuple(first.decode())
        max_row, max_col = coordinate_to_tuple(last.decode())
        anchor = cells.get(min_row, {}).get(min_col)
        for row_number in range(min_row, min(max_row, min_row + limits.rows) + 1):
            for column in range(min_col, min(max_col, MAX_COLUMNS) + 1):
                cells.setdefault(row_number, {})[column] = anchor
    return [
        Row(number, tuple(columns.get(i) for i in range(1, max(columns) + 1)))
        for number, columns in sorted(cells.items())
        if columns
    ]


#: Names of the streams of an encrypted Office file (MS-OFFCRYPTO 2.3.4), as its directory stores them.
_ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))


class PasswordProtectedError(SpreadsheetError):
    """The workbook has a password to open it (an encrypted .xlsx, or an .xls with one)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The file has a password to open it, so it cannot be read. Please open it in Excel or "
                "WPS, remove the password (File → Info → Protect Workbook → Encrypt with Password, "
                "and clear it), save it and import it again."
            )
        )


class UnreadableOleError(SpreadsheetError):
    """An Office 97-2003 container (.xls, or WPS's own .et/.ett) that cannot be read as a workbook."""


def _read_xls(data: bytes) -> list[Sheet]:
    import xlrd

    if all(name in data for name in _ENCRYPTED_STREAMS):
        # Excel and WPS save an .xlsx with a password as an OLE container holding the encrypted
        # package: it begins like an .xls, but it is not one.
        raise PasswordProtectedError()
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    except Exception as error:
        if "encrypted" in str(error).lower():  # an .xls with a password to open (FILEPASS record)
            raise PasswordProtectedError() from error
        raise UnreadableOleError(
            _("The file is not an Excel 97-2003 workbook (.xls) that can be read; please save it as .xlsx.")
        ) from error
    return [
        # xlrd's "sheet_visible" is the active tab; the hidden state is "visibility" (BOUNDSHEET).
        Sheet(sheet.name, sheet.visibility != 0, bool(sheet.sheet_visible), _xls_rows(book, sheet))
        for sheet in book.sheets()[:MAX_SHEETS]
    ]


def _xls_rows(book, sheet) -> list[Row]:
    import xlrd

    grid = [[sheet.cell(r, c) for c in range(min(sheet.ncols, MAX_COLUMNS))] for r in range(sheet.nrows)]
    values: list[list] = []
    for row in grid:
        out = []
        for cell in row:
            if cell.ctype == xlrd.XL_CELL_DATE:
                out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                out.append(None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                out.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                out.append(Formula(xlrd.error_text_from_code.get(cell.value, "#ERROR")))
            else:
                out.append(cell.value)
        values.append(out)
    for row_low, row_high, col_low, col_high in sheet.merged_cells:
        anchor = values[row_low][col_low] if col_low < len(values[row_low]) else None
        for r in range(row_low, row_high):
            for c in range(col_low, min(col_high, len(values[r]))):
                values[r][c] = anchor
    return [Row(number, tuple(row)) for number, row in enumerate(values, 1)]


def decode_text(data: bytes) -> str:
    """Decode a text file saved by Excel, WPS or Notepad; raises ``SpreadsheetError``.

    Tried in order: a byte-order mark (UTF-8, UTF-16 LE/BE); then strict UTF-8, UTF-16 without a
    mark (only when the bytes contain zeros, which UTF-8 and GBK text never has) and strict GB18030
    (a superset of GBK and GB2312). Bytes that none of these decode are refused rather than stored
    as mojibake.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            candidates = [encoding]
            data = data[len(bom) :]
            break
    else:
        sample = data[:4000]
        utf16 = "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"
        if sample.count(0) > len(sample) // 4:  # mostly Latin text in UTF-16
            candidates = [utf16]
        elif 0 in sample:  # Chinese text in UTF-16, or a stray NUL in UTF-8 (reported per cell)
            candidates = ["utf-8", utf16, "gb18030"]
        else:
            candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _(
            "The text of the file cannot be read: it is neither UTF-8 nor GBK. Please save it from "
            "Excel or WPS as an Excel workbook (.xlsx) and import again."
        )
    )


def _read_text(data: bytes, limits: _Limits) -> list[Row]:
    if data[:1] == b"<" or data.lstrip()[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
        raise SpreadsheetError(
            _(
                "This is a web page or XML file, not a spreadsheet; "
                "please open it in Excel and save it as .xlsx."
            )
        )
    text = decode_text(data)
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows, filled = [], 0
        for number, values in enumerate(reader, 1):
            if number > limits.sheet_rows:
                raise SpreadsheetError(_("The file has too many rows."))
            row = Row(number, tuple(values[:MAX_COLUMNS]))
            if not _is_blank(row.values):
                filled += 1
                limits.count(filled)
            rows.append(row)
    except csv.Error as error:
        raise SpreadsheetError(
            _("The text table cannot be read near line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from error
    return rows


# --- header matching ----------------------------------------------------------------------------


def normalise_label(value: object) -> str:
    """A header or name reduced for comparison: NFKC (full-width to half-width), no white space.

    "创 建 目 标", "市妇联\\n联系部室" and "（联系电话）" compare equal to "创建目标", "市妇联联系部室"
    and "(联系电话)"; invisible characters (``strip_invisible``) and the marks "*" of required columns
    are dropped.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(value or "")))
    return re.sub(r"[\s*]+", "", text).casefold()


# --- cleaning cell values -----------------------------------------------------------------------


def strip_invisible(text: str) -> str:
    """``text`` without zero-width spaces, joiners, word joiners, U+FEFF and soft hyphens.

    The one place where they are removed: ``clean_text`` (every imported text, so every name and
    key) and ``normalise_label`` (headers) call it.
    """
    return _INVISIBLE.sub("", text)


def display_value(value: object) -> str:
    """A cell value as quoted in an error message: long text cut, and every control or format
    character (Unicode category Cc or Cf other than tab and line break: NUL, U+200B, U+200E, U+202E …)
    shown as ``<U+200B>``, so that a value refused for a character nobody can see shows it."""
    text = str(value)
    text = "".join(
        f"<U+{ord(char):04X}>"
        if char not in "\t\n" and (_CONTROL.match(char) or unicodedata.category(char) in ("Cc", "Cf"))
        else char
        for char in text
    )
    return text if len(text) <= 40 else text[:40] + "…"


def normalise_line_breaks(text: str) -> str:
    """CR LF, CR, Word's vertical tab (``\\x0b``), form feed and Unicode separators become LF."""
    return re.sub(r"\r\n|[\r\x0b\x0c\u2028\u2029]", "\n", text)


def clean_text(value: object) -> str:
    """A cell as text, kept character for character apart from the outer white space.

    Numbers become their digits (``13800000000.0`` → ``"13800000000"``), dates ``YYYY-MM-DD``; line
    breaks are normalised (``normalise_line_breaks``) and Word's cell mark ``\\x07`` dropped. Raises
    ``CellError`` for a formula, a number Excel has turned into scientific notation (digits lost),
    or another control character (NUL …).
    """
    if value is None:
        return ""
    if isinstance(value, Formula):
        raise CellError(
            _("“%(value)s” is a formula; please replace it by its value (paste as values).")
            % {"value": display_value(value)}
        )
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = strip_invisible(normalise_line_breaks(str(value)).replace("\x07", "")).strip()
    if _CONTROL.search(text):
        raise CellError(
            _(
                "“%(value)s” contains an invisible control character; "
                "please delete it and type the text again."
            )
            % {"value": display_value(text)}
        )
    return text


def clean_code(value: object) -> str:
    """A cell that holds digits as text (phone number, code): exact digits, no ``.0``.

    Full-width digits and punctuation are made half-width (NFKC, as in dates and numbers:
    ``１３８－００００`` → ``138-0000``; ``（０５９５）`` → ``(0595)``), and every dash (— – ‐ −) becomes
    ``-``. Raises ``CellError`` when Excel has turned the number into scientific notation
    (``1.38E+10``), where the last digits are already lost.
    """
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", clean_text(value)))
    if _SCIENTIFIC.match(text.replace(" ", "")):
        raise CellError(
            _(
                "“%(value)s” is in scientific notation and its last digits are lost; please format the "
                "column as text and type the number again."
            )
            % {"value": display_value(text)}
        )
    return text


def clean_integer(value: object) -> int | None:
    """A whole number: ``1``, ``1.0``, ``"01"``, ``"１"`` (full width) all give 1; blank gives None.

    Raises ``CellError`` quoting the value otherwise.
    """
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": display_value(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = unicodedata.normalize("NFKC", clean_text(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"[+]?\d+(\.0+)?", text):
        return int(float(text))
    raise CellError(_("“%(value)s” is not a whole number.") % {"value": display_value(value)})


def clean_decimal(value: object) -> Decimal | None:
    """A number such as ``2``, ``2.5``, ``"1,000"`` or ``"２"``; blank gives None; raises ``CellError``."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": display_value(value)})
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = unicodedata.normalize("NFKC", clean_text(value)).replace(",", "").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": display_value(value)})
    return number


#: Excel's day 0 (its serial numbers count days from 1899-12-30, allowing for the 1900 leap-year bug).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def clean_date(value: object) -> datetime.date | None:
    """A date from any shape staff type or Excel stores; blank gives None.

    Accepted: date cells, Excel serial numbers (``45657`` = 2024-12-31), ``2024-12-31``,
    ``2024/12/31``, ``2024.12.31``, ``2024年12月31日``, ``20241231``, with surrounding spaces and
    full-width digits. Raises ``CellError`` quoting the value otherwise (e.g. ``2024-13-01``).
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("“%(value)s” is not a date.") % {"value": display_value(value)})
    text = unicodedata.normalize("NFKC", clean_text(value)).strip()
    if not text:
        return None
    match = _DATE_TEXT.match(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None and re.fullmatch(r"\d{5}(\.0+)?", text):
        return clean_date(float(text))
    if match is None:
        raise CellError(
            _("“%(value)s” is not a date; please write it like 2014-12-31.") % {"value": display_value(value)}
        )
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise CellError(
            _("“%(value)s” is not a date that exists.") % {"value": display_value(value)}
        ) from error


def split_names(value: object) -> list[str]:
    """A cell holding a list of names: split on line breaks, 、 ， , ; ；; blanks ignored, order kept.

    Raises ``CellError`` as ``clean_text`` does.
    """
    names = [name.strip() for name in _LIST_SEPARATORS.split(clean_text(value))]
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


# --- writing ------------------------------------------------------------------------------------


#: Most characters one cell holds in Excel and WPS (longer text makes them "repair" the file).
EXCEL_CELL_LIMIT = 32767
#: Lone UTF-16 surrogates (from a broken paste or a JavaScript client): no encoding can write them.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
#: Anything ``excel_text`` changes: control characters (and CR), surrogates, ``_xHHHH_``.
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def xml_text(value: str) -> str:
    """``value`` as XML can carry it: CR LF, vertical tab (Word's line break) and form feed become
    LF, other characters illegal in XML 1.0 are removed, lone surrogates become U+FFFD.

    For document properties and other plain XML text; cells use ``excel_text``.
    """
    text = re.sub(r"\r\n|[\x0b\x0c]", "\n", str(value))
    return _SURROGATES.sub("\ufffd", _XML_ILLEGAL.sub("", text))


def excel_text(value: object) -> object:
    """A value made safe for an .xlsx cell.

    Strings (and lazy translations): ``xml_text`` first; then cut to ``EXCEL_CELL_LIMIT``
    characters; a lone CR is written as OOXML's escape ``_x000D_`` (XML would read a raw CR as
    LF), and a literal ``_xHHHH_`` is escaped so that Excel shows it as typed. Other values (numbers,
    dates, ``None``) pass unchanged. A leading ``=``, ``+``, ``-`` or ``@`` is kept as typed: it is
    the cell's data type (``write_cell``) that keeps it from being a formula, not an apostrophe.
    """
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    if len(value) <= EXCEL_CELL_LIMIT and not _NEEDS_CLEANING.search(value):
        return value  # the common case, one scan: nothing to remove, cut or escape
    text = xml_text(value)[:EXCEL_CELL_LIMIT]
    return _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text).replace("\r", "_x000D_")


def write_cell(cell, value: object):
    """Put ``value`` into ``cell`` — the one cell writer of every export of the portal.

    ``cell`` is an openpyxl cell of a normal workbook (``sheet.cell(row, column)``) or of a
    write-only one (``WriteOnlyCell(sheet)``). A string is always a text cell (data type ``s``),
    never a live formula, whatever it begins with; see ``excel_text`` for what is changed so that
    the file always opens. Returns ``cell``.
    """
    cell.value = excel_text(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def write_text_cell(sheet, row: int, column: int, value: object):
    """Write ``value`` into the cell at ``row``, ``column`` of a normal worksheet (``write_cell``)."""
    return write_cell(sheet.cell(row=row, column=column), value)


def write_only_cell(sheet, value: object, style=None):
    """A cell for ``sheet.append`` in a write-only workbook, holding ``value`` (``write_cell``).

    ``style``, if given, is another cell whose style is copied (fonts, fills; cheap in write-only
    mode). Returns the ``WriteOnlyCell``.
    """
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    if style is not None:
        cell._style = copy.copy(style._style)
    return write_cell(cell, value)


def write_only_row(sheet, values: Iterable[object], style=None) -> None:
    """Append one row of ``values`` to a write-only ``sheet``. Never append raw values: a string
    beginning with ``=`` would become a formula, a ``\\x0b`` would stop the export.

    With ``style`` (a cell whose style is copied, e.g. a bordered body cell): every value that is
    not a cell of its own, empty ones included, becomes a cell in that style, so that the table
    has its borders and fonts throughout (``quanzhou_women.lib.sheet_layout``); this costs a cell
    object per value.

    Cells pass through unchanged; every other value goes through ``excel_text``. Only a string that
    openpyxl would not keep as text (a leading ``=``: a formula; ``#N/A`` …: an error value) is
    wrapped in a ``write_only_cell``; the
    rest is appended as the cleaned value, which openpyxl writes as text, number or date — wrapping
    every value costs openpyxl an exception per cell (a 20,000-row ledger 1.5 times slower).
    """
    from openpyxl.cell.cell import ERROR_CODES, Cell

    if style is not None:
        sheet.append(
            [
                value if isinstance(value, Cell) else write_only_cell(sheet, value, style=style)
                for value in values
            ]
        )
        return
    row = []
    for value in values:
        if not isinstance(value, Cell):
            value = excel_text(value)
            if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
                value = write_only_cell(sheet, value)
        row.append(value)
    sheet.append(row)


def display_width(text: str) -> int:
    """Width of one line of text in Excel column units: a Chinese character counts 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def line_count(text: str, width_in_chars: float) -> int:
    """How many printed lines ``text`` takes in a column ``width_in_chars`` units wide."""
    width = max(width_in_chars, 1)
    return sum(max(1, -(-display_width(line) // int(width))) for line in str(text).split("\n"))


def write_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str = "",
    widths: Sequence[int] | None = None,
) -> bytes:
    """An .xlsx of one sheet: bold header row, frozen, filterable; wrapped text in 宋体; text cells.

    ``widths`` are column widths in Excel units (default: fitted to the content, 8 to 60).
    Returns the workbook's bytes.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = (title or "Sheet1")[:31]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(name="黑体", size=11, bold=True)
    body_font = Font(name="宋体", size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    fitted = [display_width(str(h)) + 2 for h in headers]
    for column, header in enumerate(headers, 1):
        cell = write_text_cell(sheet, 1, column, header)
        cell.font, cell.border = header_font, border
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    row_number = 1
    for row_number, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = write_text_cell(sheet, row_number, column, value)
            cell.font, cell.border, cell.alignment = body_font, border, wrap
            if isinstance(cell.value, str):
                longest = max((display_width(line) for line in cell.value.split("\n")), default=0)
                fitted[column - 1] = max(fitted[column - 1], longest + 2)
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
                fitted[column - 1] = max(fitted[column - 1], 12)
    for column, width in enumerate(widths or [min(max(w, 8), 60) for w in fitted], 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(row_number, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str) -> str:
    """A ``Content-Disposition`` header for downloading ``filename`` (RFC 6266 with RFC 5987).

    ``filename*=UTF-8''…`` carries the Chinese name for Chrome, Edge, Firefox and Safari; the plain
    ``filename="…"`` carries the same name percent-encoded, which WeChat's in-app browser and older
    Android download managers decode, and which stays plain ASCII for every other client.
    """
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{encoded}\"; filename*=UTF-8''{encoded}"
