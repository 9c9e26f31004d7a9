"""Office documents rendered as a person would see them: LibreOffice (headless) turns a .docx or
.xlsx into PDF, poppler's tools read the pages back (``scripts/install-system-packages.sh --test``
installs both)."""

import shutil
import subprocess
from pathlib import Path

import pytest

#: Skips a test where LibreOffice Writer or poppler-utils is missing (never in CI, which installs them).
needs_libreoffice = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdfinfo"))
    or not Path("/usr/lib/libreoffice/program/libswlo.so").exists(),
    reason="LibreOffice Writer and poppler-utils are not installed",
)


def libreoffice_pdf(source: Path, tmp_path: Path) -> Path:
    """``source`` converted to PDF beside it by LibreOffice (headless, with a profile of its own in
    ``tmp_path``, so that parallel runs do not share one); returns the PDF's path. Raises
    ``subprocess.CalledProcessError`` or ``TimeoutExpired`` (180 s)."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return source.with_suffix(".pdf")
