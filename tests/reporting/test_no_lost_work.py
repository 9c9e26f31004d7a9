"""No lost work: what a reporter types and uploads is kept, every refusal says exactly what was
saved, double clicks have one effect, and files never outlive (or miss) their rows."""

import errno
import threading

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.test import Client
from django.urls import reverse

from maintenance.services import referenced_files
from reporting import services
from reporting.models import Evidence, Notification, OutboxEmail, ProgressReport, ReportStatus
from tests.deploy.test_faults import _cut_the_database
from tests.reporting.conftest import make_report, pdf_bytes, png_bytes, upload

requires_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="two real concurrent transactions need PostgreSQL (set DATABASE_URL)",
)

PROGRESS = "走访家庭30户，开展“巾帼志愿服务”5次；培训骨干12人。"
PROBLEMS = "志愿者人手不足，经费缺口约2万元。"
NEXT_STEPS = "下步拟联合团委招募志愿者。"


def _form(report: ProgressReport, **extra) -> dict:
    data = {
        "version": report.version,
        "progress": PROGRESS,
        "percent_complete": 40,
        "problems": PROBLEMS,
        "next_steps": NEXT_STEPS,
    }
    data |= {f"m{s.pk}-state": s.state for s in report.milestone_states.all()}
    return data | extra


@pytest.fixture
def draft(world, cast):
    return make_report(world, world.a1, cast["reporter_a"])


@pytest.fixture
def reporter(client, cast):
    client.force_login(cast["reporter_a"])
    return client


# ----------------------------------------------------------------- typed input and files together


def test_uploading_evidence_with_save_draft_keeps_every_typed_field(reporter, draft):
    files = [upload("入户照片.png", png_bytes()), upload("调研报告.pdf", pdf_bytes())]

    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]), _form(draft, save="", files=files), follow=True
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.progress, draft.problems, draft.next_steps, draft.percent_complete) == (
        PROGRESS,
        PROBLEMS,
        NEXT_STEPS,
        40,
    )
    assert sorted(draft.evidence.values_list("original_name", flat=True)) == ["入户照片.png", "调研报告.pdf"]
    assert "已上传“入户照片.png”" in response.text and "报告已保存" in response.text


def test_thirty_files_at_once_are_each_stored_or_refused_by_name(reporter, draft):
    files = [upload(f"照片{n:02}.png", png_bytes()) for n in range(29)] + [
        upload("病毒.pdf", b"MZ" + b"\0" * 99)
    ]

    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]), _form(draft, save="", files=files), follow=True
    )

    assert draft.evidence.count() == 29
    assert "“病毒.pdf”没有附上" in response.text
    assert all(f"已上传“照片{n:02}.png”" in response.text for n in range(29))


def test_a_refused_file_keeps_the_draft_saved_and_the_report_unsubmitted_and_says_so(reporter, draft):
    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]),
        _form(draft, submit="", files=[upload("照片.jpg", pdf_bytes())]),
        follow=True,
    )

    draft.refresh_from_db()
    assert (draft.status, draft.problems) == (ReportStatus.DRAFT, PROBLEMS)
    assert "报告已保存为草稿，但没有提交" in response.text
    assert "“照片.jpg”没有附上" in response.text


def test_save_and_submit_with_files_is_one_step(reporter, draft):
    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]),
        _form(draft, submit="", files=[upload("照片.png", png_bytes())]),
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == ReportStatus.SUBMITTED
    assert draft.transitions.get().snapshot["evidence"] == ["照片.png"]  # the file went in with it
    assert "报告已保存并提交审核" in response.text


def test_every_fields_error_is_shown_by_the_field_and_on_top_and_the_typed_text_stays(reporter, draft):
    data = _form(draft, percent_complete=150, save="")
    del data["version"]

    response = reporter.post(reverse("reporting:report_edit", args=[draft.pk]), data)

    assert response.status_code == 200
    page = response.text
    assert "没有保存。请修正下面的错误。" in page
    assert "以下内容需要修正" in page
    assert "版本：这个字段是必填项。" in page  # the hidden field's error is named too
    assert "完成进度：" in page
    assert PROGRESS in page and PROBLEMS in page and NEXT_STEPS in page
    draft.refresh_from_db()
    assert draft.progress != PROGRESS


def test_files_chosen_with_a_refused_form_are_attached_and_the_page_says_so(reporter, draft):
    """The browser forgets a file input on a refusal: the files are stored by name at once, the
    texts are not saved and stay typed."""
    files = [upload("入户照片.png", png_bytes()), upload("空文件.pdf", b"")]
    data = _form(draft, percent_complete=150, save="", files=files)

    response = reporter.post(reverse("reporting:report_edit", args=[draft.pk]), data)

    assert response.status_code == 200
    page = response.text
    assert "文字内容没有保存，请修正下面的错误；选择的附件已上传。" in page
    assert "入户照片.png" in page and PROGRESS in page
    assert "空文件.pdf" in page  # refused by name
    assert list(Evidence.objects.filter(report=draft).values_list("original_name", flat=True)) == [
        "入户照片.png"
    ]
    draft.refresh_from_db()
    assert draft.progress != PROGRESS


def test_a_report_of_290_thousand_chinese_characters_is_saved(reporter, draft):
    long_text = ("巾帼志愿服务进社区，" * 9667)[:290_000]

    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]), _form(draft, progress=long_text, save="")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.progress == long_text


def test_a_post_beyond_the_size_limit_gets_a_chinese_page_not_a_bare_400(draft, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)  # the CSRF check is what first read the post
    client.force_login(cast["reporter_a"])
    page = client.get(reverse("reporting:report_edit", args=[draft.pk])).text
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    response = client.post(
        reverse("reporting:report_edit", args=[draft.pk]),
        _form(draft, progress="长" * 10_000, save="", csrfmiddlewaretoken=token),
    )

    assert response.status_code == 413
    text = response.content.decode()
    assert "提交的内容过大" in text and "没有保存" in text and "“返回”键" in text
    draft.refresh_from_db()
    assert draft.progress != "长" * 10_000


def test_the_report_page_checks_sizes_before_posting_with_its_script(reporter, draft):
    page = reporter.get(reverse("reporting:report_edit", args=[draft.pk])).text

    assert 'src="/static/portal/report_form.js"' in page
    assert f'data-max-text-bytes="{settings.DATA_UPLOAD_MAX_MEMORY_SIZE}"' in page
    assert 'enctype="multipart/form-data"' in page and "multiple" in page


# ----------------------------------------------------------------- one transaction, truthful pages


@pytest.mark.django_db(transaction=True)
def test_a_database_cut_between_saving_and_submitting_writes_nothing_and_says_so(client, world, cast):
    draft = make_report(world, world.a1, cast["reporter_a"])
    client.force_login(cast["reporter_a"])

    def cut_at_the_submission(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "reporting_reporttransition"'):
            _cut_the_database()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_at_the_submission):
        response = client.post(
            reverse("reporting:report_edit", args=[draft.pk]),
            _form(draft, submit="", files=[upload("照片.png", png_bytes())]),
        )
    connection.close()

    assert response.status_code == 503
    assert "没有保存" in response.content.decode()  # true: the save went with the submission
    report = ProgressReport.objects.get(pk=draft.pk)
    assert (report.status, report.progress, report.version) == (
        ReportStatus.DRAFT,
        draft.progress,
        draft.version,
    )
    assert not Evidence.objects.exists()
    assert not OutboxEmail.objects.exists()
    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))  # the file went too


# ----------------------------------------------------------------- idempotent actions


def test_a_second_click_on_fill_in_opens_the_same_report_with_a_message(reporter, world):
    url = reverse("reporting:report_open", args=[world.a2.pk, world.q1.pk])

    first = reporter.post(url)
    second = reporter.post(url, follow=True)

    assert ProgressReport.objects.filter(assignment=world.a2, period=world.q1).count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "该报告已开始填报" in second.text


def test_a_start_that_loses_the_race_on_the_unique_key_gets_the_winners_report(world, cast, monkeypatch):
    winner = services.report_start(assignment=world.a2, period=world.q1, actor=cast["reporter_a"])
    from django.db.models import QuerySet

    real_first = QuerySet.first
    calls = []

    def first_not_yet_seen(self):
        calls.append(1)
        return None if len(calls) == 1 else real_first(self)  # the winner commits after our check

    monkeypatch.setattr(QuerySet, "first", first_not_yet_seen)
    loser = services.report_start(assignment=world.a2, period=world.q1, actor=cast["reporter_a"])

    assert (loser.pk, loser.started_now, winner.started_now) == (winner.pk, False, True)


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_clicks_on_fill_in_give_one_report_and_no_error(world, cast):
    url = reverse("reporting:report_open", args=[world.a2.pk, world.q1.pk])
    barrier = threading.Barrier(2)
    statuses = []

    def click():
        client = Client()
        client.force_login(cast["reporter_a"])
        barrier.wait()
        statuses.append(client.post(url).status_code)
        connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    assert ProgressReport.objects.filter(assignment=world.a2, period=world.q1).count() == 1


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reminder_runs_send_each_reminder_once_without_a_traceback(world, cast):
    import datetime

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        barrier.wait()
        try:
            results.append(services.reminders_send(today=datetime.date(2014, 4, 9)))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 3
    assert Notification.objects.count() == 3


# ----------------------------------------------------------------- files and rows together


class FullDisk(FileSystemStorage):
    """A media folder that fills up half-way through a file."""

    def _save(self, name, content):
        path = self.path(name)
        import os

        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device", path)


def test_a_full_disk_refuses_the_file_in_chinese_and_leaves_no_partial_file(reporter, draft, monkeypatch):
    full = FullDisk(location=settings.MEDIA_ROOT)
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", full)

    response = reporter.post(
        reverse("reporting:report_edit", args=[draft.pk]),
        _form(draft, save="", files=[upload("照片.png", png_bytes())]),
        follow=True,
    )

    assert response.status_code == 200
    assert "存储空间已满" in response.text and "“照片.png”没有附上" in response.text
    draft.refresh_from_db()
    assert draft.problems == PROBLEMS  # the text was saved all the same
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in (settings.MEDIA_ROOT / "evidence").rglob("*"))


def test_a_row_that_fails_after_the_file_was_stored_takes_the_file_with_it(world, cast, draft, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("worker killed between file and row")

    monkeypatch.setattr(Evidence, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.evidence_add(report=draft, actor=cast["reporter_a"], upload=upload("照片.png", png_bytes()))

    media = settings.MEDIA_ROOT / "evidence"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_deleting_a_report_deletes_its_evidence_files_after_the_commit(
    world, cast, draft, django_capture_on_commit_callbacks
):
    evidence = services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("照片.png", png_bytes())
    )
    path = evidence.file.path
    with django_capture_on_commit_callbacks(execute=True):
        ProgressReport.objects.filter(pk=draft.pk).delete()

    import os

    assert not os.path.exists(path)


def test_the_orphan_command_finds_and_removes_files_without_a_row_and_backups_skip_them(world, cast, draft):
    from io import StringIO

    from django.core.management import call_command

    kept = services.evidence_add(
        report=draft, actor=cast["reporter_a"], upload=upload("照片.png", png_bytes())
    )
    orphan = settings.MEDIA_ROOT / "evidence" / "2014" / "orphan.png"
    orphan.write_bytes(png_bytes())

    listed = StringIO()
    call_command("evidence_orphans", "--minutes", "0", stdout=listed)
    assert "evidence/2014/orphan.png" in listed.getvalue()
    assert "evidence/2014/orphan.png" not in referenced_files()
    assert kept.file.name in referenced_files()

    call_command("evidence_orphans", "--minutes", "0", "--delete", stdout=StringIO())
    assert not orphan.exists()
    assert (settings.MEDIA_ROOT / kept.file.name).exists()
