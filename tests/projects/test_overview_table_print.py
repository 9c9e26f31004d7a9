"""The 一览表 as LibreOffice prints it: A4 landscape, every column on one page, the header on each page.

Needs LibreOffice (``apt-get install libreoffice-calc``) and poppler-utils; skipped without them.
"""

import shutil
import subprocess

import pytest
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("libreoffice") and shutil.which("pdftotext") and shutil.which("pdfinfo")),
        reason="LibreOffice and poppler-utils are not installed",
    ),
]


def test_libreoffice_prints_the_table_one_a4_landscape_page_wide_with_the_header_on_every_page(
    admin_client, campaign_2014, tmp_path
):
    workbook = tmp_path / "overview.xlsx"
    workbook.write_bytes(admin_client.get(reverse("admin:projects_featureproject_overview_table")).content)
    profile = tmp_path / "lo-profile"

    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "overview.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, pages + 1)
    ]

    assert "841.89 x 595.3" in info  # A4 landscape, in points
    assert pages <= 3
    assert "2014年泉州市妇联系统特色工作一览表" in texts[0]
    for text in texts:  # every page carries the whole header row: all five columns fit the width
        for header in ("序号", "特色项目内容", "创建目标", "责任单位", "联系部室"):
            assert header in text
    everything = "".join(texts)
    for unit in ("市妇女儿童活动中心", "台商投资区妇工委", "市直机关妇工委"):
        assert unit in everything


def resave_with_libreoffice(data: bytes, tmp_path, target: str, suffix: str) -> bytes:
    """``data`` (an .xlsx) opened and saved again by a spreadsheet program, as ``target``."""
    source = tmp_path / "source.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (out / f"source.{suffix}").read_bytes()


@pytest.mark.parametrize(
    ("target", "suffix"),
    [
        ("xlsx:Calc MS Excel 2007 XML", "xlsx"),
        ("xls:MS Excel 97", "xls"),
        ("csv:Text - txt - csv (StarCalc):44,34,76", "csv"),  # UTF-8 CSV
    ],
    ids=["xlsx", "xls", "csv"],
)
def test_overview_table_saved_again_by_a_spreadsheet_program_imports_with_no_change(
    admin_client, campaign_2014, tmp_path, target, suffix
):
    from tests.spreadsheet_files import errors_of, post_preview, row_types

    exported = admin_client.get(reverse("admin:projects_featureproject_overview_table")).content
    resaved = resave_with_libreoffice(exported, tmp_path, target, suffix)

    preview = post_preview(admin_client, "featureproject", resaved, f"一览表.{suffix}")

    assert errors_of(preview) == []
    assert row_types(preview) == ["skip"] * 10


def test_one_goal_edited_and_saved_by_a_spreadsheet_program_imports_as_exactly_that_change(
    admin_client, campaign_2014, tmp_path
):
    import io

    import openpyxl

    from projects.models import FeatureProject
    from tests.spreadsheet_files import import_through_admin, row_types

    book = openpyxl.load_workbook(
        io.BytesIO(admin_client.get(reverse("admin:projects_featureproject_overview_table")).content)
    )
    book.active["C6"] = "以文明家庭创建为主线，开展“最美家庭”寻找活动。"
    buffer = io.BytesIO()
    book.save(buffer)
    resaved = resave_with_libreoffice(buffer.getvalue(), tmp_path, "xlsx:Calc MS Excel 2007 XML", "xlsx")

    preview, _confirm = import_through_admin(admin_client, "featureproject", resaved)

    assert row_types(preview) == ["skip", "skip", "update"] + ["skip"] * 7
    assert FeatureProject.objects.get(number=3).goal == "以文明家庭创建为主线，开展“最美家庭”寻找活动。"
