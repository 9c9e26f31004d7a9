"""The printed look shared by every .xlsx the portal writes for people to print: the 一览表
(``projects.overview_table``), the 台账 and the 通报 (``dashboards.exports``).

After the attachment of notice 泉妇〔2013〕81号: 宋体 for the title, 黑体 for the header, 仿宋 for
the body, thin black borders round every table cell; the sheet prints on A4 landscape, one page
wide and as many pages long as needed, with the header row repeated on every page and frozen on
screen, centred, with "第 N 页，共 M 页" in the footer. Only openpyxl's public API is used, so it
works on normal and write-only worksheets alike.
"""

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

TITLE_FONT = "宋体"
HEADER_FONT = "黑体"
BODY_FONT = "仿宋"
#: The footer, in Excel's header/footer codes (&P: this page, &N: the number of pages).
PAGE_FOOTER = "第 &P 页，共 &N 页"


def thin_border() -> Border:
    """A thin black line on all four sides of a cell (Excel draws borders per cell)."""
    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def title_font(size: float = 20) -> Font:
    """The title above a table: 宋体, bold, ``size`` points."""
    return Font(name=TITLE_FONT, size=size, bold=True)


def header_font(size: float = 12) -> Font:
    """A table's header row: 黑体, ``size`` points."""
    return Font(name=HEADER_FONT, size=size)


def body_font(size: float = 12, color: str | None = None) -> Font:
    """A table's body: 仿宋, ``size`` points, in ``color`` (hex RRGGBB) if given."""
    return Font(name=BODY_FONT, size=size, color=color)


def header_alignment() -> Alignment:
    """Header cells: centred both ways, wrapped."""
    return Alignment(horizontal="center", vertical="center", wrap_text=True)


def body_alignment(horizontal: str | None = None) -> Alignment:
    """Body cells: vertically centred, wrapped, ``horizontal`` as given (None: Excel's default)."""
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


def set_print_layout(
    sheet, *, header_row: int, columns: int | None = None, last_row: int | None = None
) -> None:
    """Lay ``sheet`` out for printing and reading like the 一览表.

    ``header_row`` (1-based) is the table's header: it repeats at the top of every printed page
    and stays on screen (the panes are frozen below it). With ``columns`` and ``last_row`` the
    print area is A1 to that corner (a write-only sheet may leave them out: Excel prints what is
    used). The page: A4 landscape, fit to one page wide (``fitToWidth=1``) and any number of pages
    long (``fitToHeight=0``), centred, margins 0.6" left and right and 0.7" top and bottom, the
    page number in the footer in 仿宋 10 pt.
    """
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    if columns and last_row:
        sheet.print_area = f"A1:{get_column_letter(columns)}{max(last_row, header_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.7
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.oddFooter.center.text = PAGE_FOOTER
    sheet.oddFooter.center.font = BODY_FONT
    sheet.oddFooter.center.size = 10
