"""Big files of the flat 四定 table (2,001 to 20,000 rows) are imported as a task of the worker with a
progress page (issue 11, item 9): posted through the admin's import, the task runs (django-tasks'
immediate backend), the progress endpoint reports it, the paged preview opens with the counts and
only the changed rows, the confirm (a task too) writes every row — or, on any error, none — and the
job exists only for its user."""

import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from projects.models import Assignment, FeatureProject
from reporting.models import ImportJob, ImportJobPage
from tests.spreadsheet_files import (
    FLAT_HEADERS,
    flat_row,
    post_preview,
    use_pending_import_folder,
    xlsx_bytes,
)
from units.models import Organisation, pinyin_key_of

pytestmark = pytest.mark.django_db

ADD_UNITS = {"add_units": "on"}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ROWS = 5000


@pytest.fixture
def big(settings, tmp_path, campaign_2014):
    """The worker's tasks run at once; uploads wait in a fresh folder; 500 township federations
    that carry no project yet (each takes projects 1 to 10: 5,000 new rows)."""
    settings.TASKS = IMMEDIATE
    use_pending_import_folder(settings, tmp_path)
    names = [f"第{i:03d}街道妇联" for i in range(ROWS // 10)]
    Organisation.objects.bulk_create(
        Organisation(name=name, kind=Organisation.Kind.TOWNSHIP_FEDERATION, pinyin_key=pinyin_key_of(name))
        for name in names
    )
    return names


def _table(names, *, changed: int = 0, bad_row: int | None = None) -> bytes:
    """``changed`` stored assignments with a new target, then new rows of ``names`` × projects 1–10;
    the data row ``bad_row`` (counted from 1) gets a deadline that is no date."""
    rows = [FLAT_HEADERS]
    for assignment in Assignment.objects.select_related("project", "unit").order_by("pk")[:changed]:
        rows.append(
            flat_row(number=assignment.project.number, unit=assignment.unit.name, target="大表新目标")
        )
    for name in names:
        for number in range(1, 11):
            rows.append(flat_row(number=number, unit=name, target="大表目标"))
    if bad_row is not None:
        rows[bad_row][5] = "下个月底"
    return xlsx_bytes(rows)


def _post(client, data: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return post_preview(client, "assignment", data, options=ADD_UNITS)


def _url(name: str, job: ImportJob) -> str:
    return reverse(f"admin:projects_assignment_{name}", args=[job.pk])


def test_a_5000_row_file_runs_as_a_task_with_progress_a_paged_preview_and_a_confirm(
    admin_client, big, django_capture_on_commit_callbacks
):
    response = _post(admin_client, _table(big, changed=3), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("import_job", job)
    assert not Assignment.objects.filter(target="大表目标").exists()  # the preview writes nothing
    progress = json.loads(admin_client.get(_url("import_job_progress", job)).content)
    assert progress["phase"] == "preview" and progress["finished"] and progress["percent"] == 100
    assert progress["rows_read"] == ROWS + 4 and progress["rows_checked"] == ROWS + 4

    page = admin_client.get(_url("import_job", job)).content.decode()
    assert page.count("<h1>") == 1 and "<h1>导入“" in page  # the job's heading, no second 导入 above it
    assert "新增 5000、修改 3、未变 0、错误 0" in page
    assert page.index("新增 5000") < page.index("确认导入")
    assert 'content="5"' not in page  # finished: no more refreshing
    assert ImportJobPage.objects.filter(job=job, unchanged=False).count() == 26  # 5,003 rows, 200 a page
    assert '<tr class="update"><td class="import-type">修改</td>' in page  # the changed rows come first
    assert "大表新目标" in page and "&lt;tr" not in page
    last = admin_client.get(_url("import_job", job) + "?page=26").content.decode()
    assert "第 26 页（第 5001–5003 条）" in last

    with django_capture_on_commit_callbacks(execute=True):
        confirm = admin_client.post(_url("import_job_confirm", job))
    assert confirm.status_code == 302

    job.refresh_from_db()
    assert (job.phase, job.state, job.rows_written) == ("confirm", "done", 5003)
    assert Assignment.objects.filter(target="大表目标").count() == ROWS
    assert Assignment.objects.filter(target="大表新目标").count() == 3
    done = admin_client.get(_url("import_job", job)).content.decode()
    assert "导入完成" in done and "5003" in done
    # a second confirm (the back button, a reload of the POST) starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url("import_job_confirm", job))
    job.refresh_from_db()
    assert (job.phase, job.state) == ("confirm", "done")


def test_an_error_row_in_a_big_file_writes_nothing_and_names_row_field_and_value(
    admin_client, big, django_capture_on_commit_callbacks
):
    _post(admin_client, _table(big, bad_row=4321), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    page = admin_client.get(_url("import_job", job)).content.decode()
    assert "第 4322 行，“定时限”列" in page and "下个月底" in page
    assert "错误 1" in page
    assert "确认导入" not in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url("import_job_confirm", job))
    job.refresh_from_db()
    assert job.phase == "preview"  # refused: nothing started
    assert not Assignment.objects.filter(target="大表目标").exists()


def test_a_record_changed_after_the_preview_refuses_the_confirm_and_nothing_is_written(
    admin_client, big, django_capture_on_commit_callbacks, city_admin
):
    from reporting import services

    _post(admin_client, _table(big, changed=1), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    stored = Assignment.objects.order_by("pk").first()
    stored.target = "别人刚改的"
    services.plan_update_many(
        actor=city_admin,
        changes=[services.PlanChange(assignment=stored, **services.plan_fields(stored))],
        write=True,
        reason="test",
    )

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url("import_job_confirm", job))

    job.refresh_from_db()
    assert (job.phase, job.state) == ("confirm", "failed")
    page = admin_client.get(_url("import_job", job)).content.decode()
    assert "第 2 行" in page and "预览后" in page and "city_admin" in page
    assert not Assignment.objects.filter(target="大表目标").exists()
    stored.refresh_from_db()
    assert stored.target == "别人刚改的"


def test_another_user_cannot_see_the_job(client, admin_client, big, django_capture_on_commit_callbacks):
    _post(admin_client, _table(big[:210]), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    other = User.objects.create_superuser("other_admin", "other@example.com", "pw-other")
    client.force_login(other)

    for name in ("import_job", "import_job_progress"):
        assert client.get(_url(name, job)).status_code == 404
    assert client.post(_url("import_job_confirm", job)).status_code == 404
    assert ImportJob.objects.get().phase == "preview"


def test_a_file_beyond_the_background_limit_is_refused(
    admin_client, big, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_MAX_ROWS = 3000
    _post(admin_client, _table(big[:310]), django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert job.state == "failed"
    page = admin_client.get(_url("import_job", job)).content.decode()
    assert "至少有 3001 行" in page or "3001" in page
    assert not Assignment.objects.filter(target="大表目标").exists()


def test_a_small_file_is_still_imported_in_the_request(admin_client, big, django_capture_on_commit_callbacks):
    response = _post(admin_client, _table(big[:10]), django_capture_on_commit_callbacks)

    assert response.status_code == 200 and "confirm_form" in response.context
    assert not ImportJob.objects.exists()
    assert FeatureProject.objects.exists()


def test_expired_jobs_are_deleted_with_their_pages_and_file_and_running_ones_are_kept(
    admin_client, big, django_capture_on_commit_callbacks
):
    import datetime

    from import_export.tmp_storages import MediaStorage

    from reporting import tasks
    from reporting.background_import import jobs_delete_expired

    _post(admin_client, _table(big[:210]), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()  # previewed, never confirmed
    stored = MediaStorage(name=job.file_name, read_mode="rb", encoding=None)
    assert stored.read() and ImportJobPage.objects.filter(job=job).exists()
    running = ImportJob.objects.create(
        user=job.user, model_label=job.model_label, file_name="running.xlsx", state=ImportJob.State.RUNNING
    )
    ImportJob.objects.update(created_at=job.created_at - datetime.timedelta(hours=1))

    assert jobs_delete_expired() == 0  # younger than IMPORT_JOB_EXPIRY_HOURS (24): kept
    assert jobs_delete_expired(now=job.created_at + datetime.timedelta(hours=24)) == 1
    assert list(ImportJob.objects.all()) == [running]
    assert not ImportJobPage.objects.exists()
    with pytest.raises(FileNotFoundError):
        stored.read()
    assert "import_jobs_clear" in tasks.schedule()  # the worker runs it; no cron line
