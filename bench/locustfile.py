"""Locust users of the load script (``bench/load.py``): the end-of-quarter rush on the portal.

Three kinds of users, each in the session of its own account (``load.py`` logs them in before the
run, so that the deliberately slow password hashing of 50 simultaneous logins does not fill the
measured minute):

- ``Reporter`` (填报员, one per responsible unit): looks at the tasks page, opens an assignment,
  starts the report of a period still open, fills in the form, attaches a small PDF (佐证材料)
  and submits it for review — all through the portal pages, as in a browser. The report id and
  the unique token written into the progress text of every submission the portal accepted (a
  redirect to the report page) go to ``$BENCH_SUBMISSIONS_FILE`` when the run ends, so that
  ``load.py`` can check that none was lost. A reporter whose unit has no open period left only
  reads.
- ``Reader`` (liaison departments and leaders): reads the tasks page, the review queue, the
  report records and assignment pages; leaders also the overview and the bulletin, liaisons their
  notifications.
- ``CountyStaff`` (city staff in the admin): reads the assignment list and saves 四定 plans in
  the admin, with a token each (accepted ones in ``$BENCH_TOKENS_FILE``; saves refused because
  another user saved the same plan first — django-concurrency, by design — in ``….refused``).
"""

import datetime
import gettext
import html
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.html_form import form_fields

BASE_DIR = Path(__file__).resolve().parent.parent
CAST = json.loads(os.environ["BENCH_CAST"])  # [{"username", "role", "session", "assignments"}]
REPORTERS = [member for member in CAST if member["role"] == "reporter"]
READERS = [member for member in CAST if member["role"] in {"liaison", "leader"}]
STAFF = [member for member in CAST if member["role"] == "staff"]
ASSIGNMENT_IDS = sorted({pk for member in CAST for pk in member["assignments"]})
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + b"%" * 2000

_members = {kind: itertools.count() for kind in ("reporter", "reader", "staff")}
accepted_tokens: list[str] = []
refused_tokens: list[str] = []
accepted_submissions: list[dict] = []
server_errors: list[dict] = []  # every answer of 500 or more, or no answer, with its time

OPEN_REPORT = re.compile(r'action="(/assignments/\d+/periods/\d+/report/)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_PAGE = re.compile(r"/reports/(\d+)/$")


def _refusals() -> set[str]:
    """The texts of a refused concurrent save, as the portal shows them today.

    Matched by their stable message ids — django-concurrency's form error and the portal's
    ``ConflictRefusingAdmin`` message — looked up in the compiled Chinese catalogues, so that a
    rewording of the translation does not break the load script (it did once). The ids themselves
    are kept too (English, if a catalogue is missing).
    """
    msgids = [
        "Record Modified",
        "Somebody else saved this record after you opened it. Your changes were not "
        "saved: check the other changes and enter yours again.",
    ]
    catalogues = [
        BASE_DIR / "locale",
        *(BASE_DIR / app / "locale" for app in ("units", "projects", "reporting")),
    ]
    texts = set(msgids)
    for folder in catalogues:
        try:
            catalogue = gettext.translation("django", localedir=folder, languages=["zh_Hans"])
        except OSError:
            continue
        texts |= {html.escape(catalogue.gettext(msgid)) for msgid in msgids}
    return texts


REFUSALS = _refusals()


class PortalUser(HttpUser):
    """A user with the portal open in the session of its cast member (``fixed_count``: one each)."""

    abstract = True
    wait_time = between(0.5, 1.5)
    kind = ""
    members: list[dict] = []

    def on_start(self) -> None:
        self.member = self.members[next(_members[self.kind])]  # one locust user per cast member
        self.client.cookies.set("sessionid", self.member["session"])


class Reporter(PortalUser):
    """填报员 of one responsible unit: fills in and submits its reports with a PDF attached."""

    fixed_count = len(REPORTERS)
    kind, members = "reporter", REPORTERS

    def on_start(self) -> None:
        super().on_start()
        self.submissions = itertools.count(1)
        self.nothing_open = False

    @task(1)
    def read_tasks(self) -> None:
        self.client.get("/tasks/", name="portal: tasks")

    @task(3)
    def submit_report(self) -> None:
        if self.nothing_open:
            self.client.get(
                f"/assignments/{random.choice(self.member['assignments'])}/", name="portal: assignment"
            )
            return
        for pk in self.member["assignments"]:
            page = self.client.get(f"/assignments/{pk}/", name="portal: assignment")
            if page.status_code != 200:
                return  # the portal is unavailable (503 during an outage): try again later
            opens = OPEN_REPORT.findall(page.text)
            if opens:
                break
        else:
            self.nothing_open = True
            return
        token = CSRF.search(page.text).group(1)
        form_page = self.client.post(
            opens[0], data={"csrfmiddlewaretoken": token}, name="portal: open report"
        )
        if form_page.status_code != 200 or 'id="report-form"' not in form_page.text:
            return
        edit_url = form_page.url.removeprefix(self.host)
        data = form_fields(form_page.text, "report-form")
        mark = f"进度-{self.member['username']}-{next(self.submissions)}"
        data.update(progress=[f"{mark}：开展调研12次，走访群众300人"], percent_complete=["40"], submit=[""])
        data.pop("save", None)
        with self.client.post(  # text, evidence and submission in one post, as the report page sends them
            edit_url,
            data=data,
            files={"files": ("活动台账.pdf", EVIDENCE_PDF, "application/pdf")},
            name="portal: submit report with evidence",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            location = answer.headers.get("Location", "")
            found = REPORT_PAGE.search(location)
            if answer.status_code == 302 and found:
                accepted_submissions.append({"report": int(found.group(1)), "token": mark})
                answer.success()
            else:
                answer.failure(f"submit answered {answer.status_code} {location}")


class Reader(PortalUser):
    """A liaison department (联系部室) or leader: reads tasks, the review queue, assignments, and
    (leaders) the dashboards or (liaisons) the notifications."""

    fixed_count = len(READERS)
    kind, members = "reader", READERS

    @task(2)
    def read_tasks(self) -> None:
        self.client.get("/tasks/", name="portal: tasks")

    @task(2)
    def read_review_queue(self) -> None:
        self.client.get("/review/", name="portal: review queue")

    @task(1)
    def read_history(self) -> None:
        self.client.get("/reports/", name="portal: report records")

    @task(2)
    def read_dashboards(self) -> None:
        if self.member["role"] == "leader":  # leaders supervise on the dashboards
            self.client.get("/dashboards/", name="dashboards: overview")
        else:
            self.client.get("/notifications/", name="portal: notifications")

    @task(1)
    def read_bulletin(self) -> None:
        if self.member["role"] == "leader":
            self.client.get("/dashboards/bulletin/", name="dashboards: bulletin")

    @task(2)
    def read_assignment(self) -> None:
        if self.member["assignments"]:  # a department that follows no project has none
            pk = random.choice(self.member["assignments"])
            self.client.get(f"/assignments/{pk}/", name="portal: assignment")


class CountyStaff(PortalUser):
    """A member of the city staff with the admin open: browses lists and saves a plan now and then."""

    fixed_count = len(STAFF)
    kind, members = "staff", STAFF

    def on_start(self) -> None:
        super().on_start()
        self.saves = itertools.count(1)

    @task(2)
    def read_assignment_list(self) -> None:
        self.client.get("/admin/projects/assignment/", name="admin: assignment list")

    @task(1)
    def save_assignment(self) -> None:
        pk = random.choice(ASSIGNMENT_IDS)
        url = f"/admin/projects/assignment/{pk}/change/"
        page = self.client.get(url, name="admin: assignment change form")
        data = form_fields(page.text, "assignment_form")
        token = f"负责人-{self.member['username']}-{next(self.saves)}"
        data.update(
            target=[f"{token} 的目标：建成示范点 3 个"],
            deadline=[self.member.get("deadline", datetime.date(2014, 12, 31).isoformat())],
            responsible_person=[token],
            responsible_person_position=["主席"],
            responsible_person_phone=["0595-0000"],
        )
        with self.client.post(
            url, data=data, name="admin: save assignment", allow_redirects=False, catch_response=True
        ) as answer:
            location = answer.headers.get("Location", "")
            refused = (  # the form's version check (200), or the race after it (back to the form)
                answer.status_code == 200 and any(marker in answer.text for marker in REFUSALS)
            ) or (answer.status_code == 302 and location.endswith(url))
            if answer.status_code == 302 and location.endswith("/admin/projects/assignment/"):
                accepted_tokens.append(token)
                answer.success()
            elif refused:  # another user saved the same plan first: refused with a message, by design
                refused_tokens.append(token)
                answer.success()
            else:
                errors = re.findall(r'class="errorlist[^"]*"[^>]*><li>([^<]*)', answer.text)
                answer.failure(f"save answered {answer.status_code} {location}: {errors[:2]}")


@events.request.add_listener
def record_server_errors(name: str, response=None, exception=None, **_kwargs) -> None:
    """Keep the time and status of every 5xx answer (and every request that got no answer)."""
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or (exception is not None and status == 0):
        server_errors.append({"at": time.time(), "status": status, "name": name})


@events.test_stop.add_listener
def write_accepted(**_kwargs) -> None:
    """Write what the portal accepted: admin save tokens (one a line) and submissions (JSON)."""
    with open(os.environ["BENCH_TOKENS_FILE"], "w", encoding="utf-8") as out:
        out.write("\n".join(accepted_tokens))
    with open(os.environ["BENCH_TOKENS_FILE"] + ".refused", "w", encoding="utf-8") as out:
        out.write("\n".join(refused_tokens))
    with open(os.environ["BENCH_SUBMISSIONS_FILE"], "w", encoding="utf-8") as out:
        json.dump(accepted_submissions, out, ensure_ascii=False)
    with open(os.environ["BENCH_SUBMISSIONS_FILE"] + ".errors", "w", encoding="utf-8") as out:
        json.dump(server_errors, out)
