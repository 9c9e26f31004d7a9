"""Locust users of the load script (``bench/load.py``): county staff reading and saving 四定 plans.

Each simulated user works in the session of its own account (``bench-user-N``; ``load.py`` logs
them in before the run, so that the deliberately slow password hashing of 50 simultaneous logins
does not fill the measured minute), mostly reads admin pages and now and then saves one
assignment's 四定 fields with a unique token as responsible person. The tokens of every save that
the portal accepted (302) are written to ``$BENCH_TOKENS_FILE`` when the run ends, so that
``load.py`` can check that none was lost.
"""

import datetime
import itertools
import os
import random

from locust import HttpUser, between, events, task

from bench.html_form import form_fields

ASSIGNMENT_IDS = [int(pk) for pk in os.environ["BENCH_ASSIGNMENT_IDS"].split(",")]
SESSIONS = os.environ["BENCH_SESSIONS"].split(",")
_user_numbers = itertools.count(1)
accepted_tokens: list[str] = []


class CountyStaff(HttpUser):
    """A member of staff with the admin open: browses lists and plans, saves a plan now and then."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.number = next(_user_numbers)
        self.saves = itertools.count(1)
        self.client.cookies.set("sessionid", SESSIONS[self.number - 1])

    @task(2)
    def read_index(self) -> None:
        self.client.get("/admin/", name="admin index")

    @task(3)
    def read_assignment_list(self) -> None:
        self.client.get("/admin/projects/assignment/", name="assignment list")

    @task(2)
    def read_project_list(self) -> None:
        self.client.get("/admin/projects/featureproject/?q=妇女", name="project list (search)")

    @task(2)
    def read_history(self) -> None:
        pk = random.choice(ASSIGNMENT_IDS)
        self.client.get(f"/admin/projects/assignment/{pk}/history/", name="assignment history")

    @task(2)
    def save_assignment(self) -> None:
        pk = random.choice(ASSIGNMENT_IDS)
        url = f"/admin/projects/assignment/{pk}/change/"
        page = self.client.get(url, name="assignment change form")
        data = form_fields(page.text, "assignment_form")
        token = f"负责人-{self.number}-{next(self.saves)}"
        data.update(
            target=[f"{token} 的目标：建成示范点 3 个"],
            deadline=[datetime.date(2014, 12, 31).isoformat()],
            responsible_person=[token],
            responsible_person_position=["主席"],
            responsible_person_phone=[f"0595-{self.number:04d}"],
        )
        with self.client.post(
            url, data=data, name="save assignment", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code == 302:
                accepted_tokens.append(token)
                answer.success()
            else:
                answer.failure(f"save answered {answer.status_code}")


@events.test_stop.add_listener
def write_tokens(**_kwargs) -> None:
    """Write the tokens of the accepted saves, one a line."""
    with open(os.environ["BENCH_TOKENS_FILE"], "w", encoding="utf-8") as out:
        out.write("\n".join(accepted_tokens))
