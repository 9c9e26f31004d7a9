"""Evidence files: type read from the content, size-limited, kept under their Chinese names, and
served only through the permission-checking view with an RFC 6266 download name."""

import os
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from reporting import services
from reporting.evidence import check_evidence_file
from reporting.models import Evidence
from tests.reporting.conftest import docx_bytes, make_report, pdf_bytes, png_bytes, upload


@pytest.fixture
def draft(world, cast):
    return make_report(world, world.a1, cast["reporter_a"])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("活动照片.png", png_bytes(), "image/png"),
        ("调研报告.pdf", pdf_bytes(), "application/pdf"),
        (
            "工作方案.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_photos_pdfs_and_word_files_are_accepted_with_the_type_read_from_their_content(
    name, content, content_type
):
    checked = check_evidence_file(upload(name, content, content_type="application/octet-stream"))
    assert (checked.name, checked.content_type, checked.size) == (name, content_type, len(content))


def test_an_excel_file_is_accepted(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "示范点"
    path = tmp_path / "台账.xlsx"
    workbook.save(path)
    checked = check_evidence_file(upload("台账.xlsx", path.read_bytes()))
    assert checked.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("报告.pdf", b"MZ\x90\x00" + b"\x00" * 200, "bad_type"),  # a Windows program dressed as a PDF
        ("说明.pdf", "纯文本内容".encode() * 20, "bad_type"),
        ("页面.html", b"<html><script>alert(1)</script></html>", "bad_type"),
        ("照片.jpg", pdf_bytes(), "extension_mismatch"),  # a PDF named as a photo
        ("照片", png_bytes(), "extension_mismatch"),
        ("空文件.pdf", b"", "empty"),
    ],
)
def test_files_of_the_wrong_type_are_refused_with_a_chinese_message_naming_the_file(name, content, code):
    with pytest.raises(ValidationError) as refused:
        check_evidence_file(upload(name, content, content_type="application/pdf"))
    assert refused.value.code == code
    assert name in refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused(settings, world, cast, draft):
    settings.EVIDENCE_MAX_BYTES = 1024
    big = pdf_bytes() + b"0" * 2000
    with pytest.raises(ValidationError) as refused:
        services.evidence_add(report=draft, actor=cast["reporter_a"], upload=upload("大文件.pdf", big))
    assert refused.value.code == "too_large"
    assert filesizeformat(1024) in refused.value.messages[0]
    assert not Evidence.objects.exists()


def test_an_upload_through_the_page_that_is_refused_shows_the_reason_and_stores_nothing(
    client, world, cast, draft
):
    client.force_login(cast["reporter_a"])
    response = client.post(
        reverse("reporting:evidence_upload", args=[draft.pk]),
        {"file": upload("病毒.pdf", b"MZ" + b"\x00" * 100)},
        follow=True,
    )
    assert "病毒.pdf" in response.text
    assert "不能接收" in response.text
    assert not Evidence.objects.exists()


def test_a_chinese_file_name_is_kept_and_sent_back_as_an_rfc_6266_download_name(client, world, cast, draft):
    client.force_login(cast["reporter_a"])
    client.post(
        reverse("reporting:evidence_upload", args=[draft.pk]),
        {"file": upload("晋江 活动照片（一）.png", png_bytes())},
    )
    evidence = Evidence.objects.get()
    assert evidence.original_name == "晋江 活动照片（一）.png"
    assert evidence.file.name.isascii()  # stored under a random ASCII name
    response = client.get(reverse("reporting:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert (
        response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('晋江 活动照片（一）.png')}"
    )
    assert b"".join(response.streaming_content) == png_bytes()


def test_evidence_files_are_stored_privately_and_not_served_at_their_media_url(
    settings, client, world, cast, draft
):
    evidence = services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("照片.png", png_bytes())
    )
    assert evidence.file.path.startswith(str(settings.MEDIA_ROOT / "evidence"))
    client.force_login(cast["reporter_a"])
    assert client.get("/" + evidence.file.url.lstrip("/")).status_code == 404


def test_a_removed_evidence_file_is_deleted_from_disk(world, cast, draft, django_capture_on_commit_callbacks):
    evidence = services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("照片.png", png_bytes())
    )
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(evidence=evidence, actor=cast["reporter_a"])
    assert not Evidence.objects.exists()
    assert not os.path.exists(path)


@pytest.mark.parametrize(
    "name",
    ["活动照片.png", "报告.html", "报告.pdf"],
)
def test_an_upload_whose_content_is_html_is_refused_by_the_type_check_whatever_its_name(
    world, cast, draft, name
):
    page = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

    with pytest.raises(ValidationError) as refused:
        services.evidence_add(report=draft, actor=cast["reporter_a"], upload=upload(name, page, "image/png"))

    assert refused.value.code == "bad_type"
    assert "text/html" in refused.value.messages[0]
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("照片.png", png_bytes(), "image/png"),
        ("总结.pdf", pdf_bytes(), "application/pdf"),
        (
            "台账.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_every_evidence_download_is_an_attachment_the_browser_may_not_sniff_or_run(
    client, world, cast, draft, name, content, content_type
):
    evidence = services.evidence_add(report=draft, actor=cast["reporter_a"], upload=upload(name, content))
    client.force_login(cast["liaison"])

    response = client.get(reverse("reporting:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == content
