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
