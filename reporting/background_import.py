"""Imports of big spreadsheets (2,001 to ``IMPORT_BACKGROUND_MAX_ROWS`` filled rows) as tasks of the
worker, with a progress page (issue 11, item 9: "files up to 20,000 rows are imported as a background
task with a progress bar").

The admin's upload reads at most ``spreadsheets.MAX_ROWS`` rows in the request. A file with more
(``TooManyRowsError``) is kept in the ``import_export`` storage, as any upload between preview and
confirm, and becomes an ``ImportJob`` of the user; ``job_run`` (the task ``reporting.tasks.import_job_run``)
reads it again with the larger limit — still streamed —, checks every row exactly as the request
would (the same resource, the same writers, ``dry_run``) and stores the preview's counts, errors and
pages. The user watches ``import-job/<id>/`` (a progress bar fed by ``import-job/<id>/progress/``,
JSON; without script the page refreshes itself), then reads the paged preview (only new and changed
rows by default) and confirms (``import-job/<id>/confirm/``, POST): a second task writes the file in
one transaction, refusing any row whose record changed since the preview (``rows_seen``), so that on
any error nothing is written. A job exists only for its user (``ImportJob.objects.restrict``: 404
for anybody else).

Progress is written outside the import's transaction: on PostgreSQL through a second connection
(``connection.copy()``), so the page sees it while the rows are checked; SQLite has one writer, so
there the counts move at the end of each step.
"""

from __future__ import annotations

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage

from quanzhou_women.lib import spreadsheets
from quanzhou_women.lib.importing import (
    PREVIEW_PAGE_ROWS,
    SpreadsheetFormat,
    import_counts,
    preview_rows_html,
    result_errors,
)
from reporting.models import ImportJob, ImportJobPage

logger = logging.getLogger(__name__)

#: Most error messages a job keeps for its page (the count is kept in full).
MAX_ERRORS_SHOWN = 200


class BackgroundImportAdminMixin:
    """Put before ``SpreadsheetAdminMixin`` in an admin's bases: a file of more than
    ``spreadsheets.MAX_ROWS`` filled rows becomes an ``ImportJob`` run by the worker instead of a
    refusal; adds the job's three pages to the admin's URLs."""

    background_import_template = "admin/import_export/background_import.html"

    def get_urls(self):
        prefix = "{}_{}".format(*self.get_model_info())
        view = self.admin_site.admin_view
        return [
            path("import-job/<int:job_id>/", view(self.import_job_view), name=f"{prefix}_import_job"),
            path(
                "import-job/<int:job_id>/progress/",
                view(self.import_job_progress_view),
                name=f"{prefix}_import_job_progress",
            ),
            path(
                "import-job/<int:job_id>/confirm/",
                view(require_POST(self.import_job_confirm_view)),
                name=f"{prefix}_import_job_confirm",
            ),
            *super().get_urls(),
        ]

    # The upload ---------------------------------------------------------------------------------

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        """Mark a file refused only for its length (more than ``MAX_ROWS`` filled rows) for a job."""
        if isinstance(e, spreadsheets.TooManyRowsError) and e.limit < settings.IMPORT_BACKGROUND_MAX_ROWS:
            form.background_import = form.cleaned_data.get("import_file")  # the error removes it
        super().add_data_read_fail_error_to_form(form, e)

    def import_action(self, request, **kwargs):
        """The upload and preview step; a big file goes to a job and the user to its page."""
        response = super().import_action(request, **kwargs)
        form = getattr(response, "context_data", {}).get("form")
        upload = getattr(form, "background_import", None)
        if request.method != "POST" or upload is None:
            return response
        job = ImportJob.objects.create(
            user=request.user,
            model_label=self.model._meta.label_lower,
            resource_index=int(form.cleaned_data.get("resource") or 0),
            options={name: form.cleaned_data.get(name) for name in self.import_options},
            file_name=upload.tmp_storage_name,
            original_name=str(upload.name)[:255],
        )
        _enqueue(job)
        return HttpResponseRedirect(self._job_url(job))

    # The job's pages ----------------------------------------------------------------------------

    def _job_url(self, job: ImportJob, name: str = "import_job") -> str:
        info = self.get_model_info()
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[job.pk], current_app=self.admin_site.name)

    def _job(self, request, job_id: int) -> ImportJob:
        """The user's own job of this admin's model (404 for anybody else's); 403 without the
        import permission."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            ImportJob.objects.restrict(request.user, "view"),
            pk=job_id,
            model_label=self.model._meta.label_lower,
        )

    def import_job_progress_view(self, request, job_id: int):
        """The job's progress as JSON: ``phase``, ``state``, ``rows_total``, ``rows_read``,
        ``rows_checked``, ``rows_written``, ``percent`` (0–100) and ``finished``."""
        job = self._job(request, job_id)
        return JsonResponse(
            {
                "phase": job.phase,
                "state": job.state,
                "rows_total": job.rows_total,
                "rows_read": job.rows_read,
                "rows_checked": job.rows_checked,
                "rows_written": job.rows_written,
                "percent": job_percent(job),
                "finished": job.finished,
                "text": progress_text(job),
            }
        )

    def import_job_view(self, request, job_id: int):
        """The progress page while the task runs, then the paged preview (``?page=N``, ``?unchanged=1``
        for the unchanged rows) with the confirm button, or the outcome of the confirm step."""
        job = self._job(request, job_id)
        expired = job_expired(job)
        unchanged = request.GET.get("unchanged") == "1"
        pages = ImportJobPage.objects.filter(job=job, unchanged=unchanged)
        count = pages.count()
        try:
            number = min(max(int(request.GET.get("page", "1")), 1), max(count, 1))
        except ValueError:
            number = 1
        page = pages.filter(number=number).first()
        result = job.result or {}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "job": job,
            "expired": expired,
            "percent": job_percent(job),
            "progress_text": progress_text(job),
            "progress_url": self._job_url(job, "import_job_progress"),
            "confirm_url": self._job_url(job, "import_job_confirm"),
            "job_url": self._job_url(job),
            "import_url": reverse("admin:{}_{}_import".format(*self.get_model_info())),
            "changelist_url": reverse("admin:{}_{}_changelist".format(*self.get_model_info())),
            "counts_text": result.get("counts_text", ""),
            "diff_headers": result.get("headers", []),
            "errors": result.get("errors", []),
            "error_count": result.get("error_count", 0),
            "errors_more": max(0, result.get("error_count", 0) - len(result.get("errors", []))),
            "sheet_note": result.get("sheet_note", ""),
            "page": page,
            "page_numbers": range(1, count + 1),
            "page_number": number,
            "unchanged": unchanged,
            "unchanged_count": (result.get("counts") or {}).get("unchanged", 0),
            "may_confirm": (
                not expired
                and job.phase == ImportJob.Phase.PREVIEW
                and job.state == ImportJob.State.DONE
                and not result.get("error_count")
            ),
        }
        return TemplateResponse(request, [self.background_import_template], context)

    def import_job_confirm_view(self, request, job_id: int):
        """Start the write of a previewed job without errors (once: a second POST, the back button
        and a reload find it started and only show its page)."""
        job = self._job(request, job_id)
        if job_expired(job):
            messages.error(request, _("The preview has expired; please upload the file again."))
            return HttpResponseRedirect(self._job_url(job))
        started = ImportJob.objects.filter(
            pk=job.pk, phase=ImportJob.Phase.PREVIEW, state=ImportJob.State.DONE, result__error_count=0
        ).update(
            phase=ImportJob.Phase.CONFIRM,
            state=ImportJob.State.QUEUED,
            rows_read=0,
            rows_checked=0,
            rows_written=0,
            updated_at=timezone.now(),
        )
        if started:
            _enqueue(job)
        return HttpResponseRedirect(self._job_url(job))


def job_expired(job: ImportJob) -> bool:
    """A job not yet confirmed after ``IMPORT_JOB_EXPIRY_HOURS`` has expired (its file may be gone:
    ``manage.py clear_pending_imports``; the job itself goes with ``jobs_delete_expired``)."""
    age = timezone.now() - job.created_at
    waiting = not (job.phase == ImportJob.Phase.CONFIRM)
    return waiting and age > datetime.timedelta(hours=settings.IMPORT_JOB_EXPIRY_HOURS)


def jobs_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the import jobs created more than ``IMPORT_JOB_EXPIRY_HOURS`` before ``now`` that no
    task is working on (a preview never confirmed, a finished or failed job), with their preview
    pages and their uploaded file if it is still stored; return how many jobs went. A queued or
    running job is left to its task. Run hourly by the worker's scheduler
    (``reporting.tasks.import_jobs_clear``)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.IMPORT_JOB_EXPIRY_HOURS)
    jobs = ImportJob.objects.filter(created_at__lt=cutoff).exclude(
        state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
    )
    for name in jobs.values_list("file_name", flat=True):
        try:
            MediaStorage(name=name).remove()
        except OSError:  # gone already (imported, or swept by clear_pending_imports)
            pass
    return jobs.delete()[1].get(ImportJob._meta.label, 0)


def job_percent(job: ImportJob) -> int:
    """How far the job's task is, 0–100: reading is the first 20 %, checking (preview) or writing
    (confirm) the rest."""
    if job.finished:
        return 100
    total = job.rows_total or 0
    if not total:
        return 0
    done = (
        job.rows_checked if job.phase == ImportJob.Phase.PREVIEW else max(job.rows_checked, job.rows_written)
    )
    return min(99, int(20 * min(job.rows_read, total) / total + 80 * min(done, total) / total))


def progress_text(job: ImportJob) -> str:
    """The progress line under the bar, e.g. 已读取 5000 行，已检查 2500 行，已写入 0 行。"""
    if job.state == ImportJob.State.QUEUED:
        return _("Waiting for the worker to start…")
    return _("%(read)s rows read, %(checked)s checked, %(written)s written.") % {
        "read": job.rows_read,
        "checked": job.rows_checked,
        "written": job.rows_written,
    }


def _enqueue(job: ImportJob) -> None:
    from reporting.tasks import import_job_run

    transaction.on_commit(lambda: import_job_run.enqueue(job.pk))


class _Progress:
    """Writes a job's counters where the page can see them while the import's transaction is open:
    a second connection on PostgreSQL; on SQLite (one writer) the same one, outside a transaction only."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self._side = None

    def __call__(self, **fields) -> None:
        fields["updated_at"] = timezone.now()
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
            return
        if connection.vendor != "postgresql":
            return
        try:
            if self._side is None:
                self._side = connection.copy()
            table = connection.ops.quote_name(ImportJob._meta.db_table)
            names = list(fields)
            columns = ", ".join(
                f"{connection.ops.quote_name(ImportJob._meta.get_field(name).column)} = %s" for name in names
            )
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {columns} WHERE id = %s", [*(fields[n] for n in names), self.job_id]
                )
        except Exception:  # progress is a courtesy: never fail the import for it
            logger.exception("progress of import job %s not written", self.job_id)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()


def job_run(job_id: int) -> str:
    """Run the current phase of import job ``job_id`` (preview: read and check every row, store the
    counts, errors and pages; confirm: write every row or none) and return its new state. A job that
    is not queued (already run, or run by another worker) is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job.state
    progress = _Progress(job_id)
    try:
        state = _run(job, progress)
    except Exception:
        logger.exception("import job %s failed", job_id)
        _finish(job, errors=[_("The import failed unexpectedly; nothing was written. Please try again.")])
        state = ImportJob.State.FAILED
    finally:
        progress.close()
    return state


def _finish(job: ImportJob, *, errors: list[str], result=None, **fields) -> None:
    stored = dict(job.result or {})
    if errors:
        stored["errors"] = errors[:MAX_ERRORS_SHOWN]
        stored["error_count"] = len(errors)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED if errors else ImportJob.State.DONE,
        result=stored,
        updated_at=timezone.now(),
        **fields,
    )


def _run(job: ImportJob, progress: _Progress) -> str:
    model = apps.get_model(job.model_label)
    model_admin = admin.site._registry[model]
    request = HttpRequest()
    request.user = job.user
    request.method = "POST"
    preview = job.phase == ImportJob.Phase.PREVIEW
    storage = model_admin.get_tmp_storage_class()(
        name=job.file_name, encoding=None, read_mode="rb", **model_admin.get_tmp_storage_class_kwargs()
    )
    try:
        data = storage.read()
    except OSError:
        _finish(
            job,
            errors=[
                _(
                    "The uploaded file is no longer available (it was imported already or has expired). "
                    "Nothing was written; please upload it again."
                )
            ],
        )
        return ImportJob.State.FAILED
    file_format = SpreadsheetFormat(
        max_rows=settings.IMPORT_BACKGROUND_MAX_ROWS, progress=lambda rows: progress(rows_read=rows)
    )
    try:
        dataset = file_format.create_dataset(data)
    except spreadsheets.SpreadsheetError as error:
        _finish(job, errors=[str(error)])
        return ImportJob.State.FAILED
    rows = len(dataset)  # the rows of the sheet read first, header and title lines included
    progress(rows_read=rows, rows_total=rows)
    job.rows_total = job.rows_read = rows
    if not model_admin.has_import_permission(request):
        _finish(job, errors=[_("You may not import into this list.")])
        return ImportJob.State.FAILED
    resource_kwargs = model_admin.get_import_resource_kwargs(request)
    resource_kwargs["options"] = dict(job.options or {})
    if not preview:
        resource_kwargs["seen_at_preview"] = job.rows_seen or {}
    resource_class = model_admin.get_import_resource_classes(request)[job.resource_index]
    resource = resource_class(**resource_kwargs)
    field = "rows_checked" if preview else "rows_written"
    resource.progress = lambda done: progress(**{field: done})
    result = resource.import_data(
        dataset,
        dry_run=preview,
        raise_errors=False,
        use_transactions=True,
        collect_failed_rows=False,
        rollback_on_validation_errors=True,
        retain_instance_in_row_result=not preview,
        file_name=job.original_name,
        user=job.user,
    )
    counts = import_counts(result)
    errors = result_errors(result)
    stored = {
        "counts": counts,
        "counts_text": _("New %(new)s, changed %(changed)s, unchanged %(unchanged)s, errors %(errors)s")
        % counts,
        "sheet_note": getattr(result, "sheet_note", ""),
        "errors": errors[:MAX_ERRORS_SHOWN],
        "error_count": len(errors),
        "headers": [str(header) for header in result.diff_headers],
    }
    job.result = stored
    if preview:
        _store_pages(job, result)
        _finish(
            job,
            errors=[],
            rows_checked=rows,
            rows_seen=getattr(result, "rows_seen", {}),
            rows_total=rows,
            rows_read=rows,
        )
        return ImportJob.State.DONE
    if errors:  # the confirm step rolled everything back
        _finish(job, errors=errors, rows_written=0)
        return ImportJob.State.FAILED
    model_admin.generate_log_entries(result, request)
    storage.remove()
    written = counts["new"] + counts["changed"]
    _finish(job, errors=[], rows_written=written, rows_checked=rows)
    return ImportJob.State.DONE


def _store_pages(job: ImportJob, result) -> None:
    """The preview's rows as ``ImportJobPage`` rows: new and changed ones, then the unchanged ones,
    ``PREVIEW_PAGE_ROWS`` a page (the rows of the result are dropped after each page)."""
    ImportJobPage.objects.filter(job=job).delete()
    shown, unchanged = [], []
    for row in result.valid_rows():
        (unchanged if row.import_type == RowResult.IMPORT_TYPE_SKIP else shown).append(row)
    pages = []
    for is_unchanged, rows in ((False, shown), (True, unchanged)):
        for number, start in enumerate(range(0, len(rows), PREVIEW_PAGE_ROWS), 1):
            chunk = rows[start : start + PREVIEW_PAGE_ROWS]
            pages.append(
                ImportJobPage(
                    job=job,
                    unchanged=is_unchanged,
                    number=number,
                    first=start + 1,
                    last=start + len(chunk),
                    html=preview_rows_html(chunk),
                )
            )
    ImportJobPage.objects.bulk_create(pages, batch_size=50)
