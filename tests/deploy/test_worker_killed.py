"""A worker killed in the middle of sending an e-mail: the message is not lost and goes out once."""

import os
import signal
import subprocess
import sys

import pytest

from bench import stack
from bench.smtp_stub import SmtpStub
from tests.deploy.conftest import requires_postgresql

pytestmark = requires_postgresql

MAKE_NOTICE = (
    "from django.contrib.auth.models import User; from django.db import transaction; "
    "from reporting.services import notifications_send; "
    "user = User.objects.create_user('killed-worker-liaison', 'liaison@example.cn'); "
    "transaction.atomic(notifications_send)(recipients=[user], kind='submitted', message='晋江市妇联提交了报告。')"
)
PENDING = (
    "from reporting.models import OutboxEmail; "
    "print(list(OutboxEmail.objects.filter(to_address='liaison@example.cn').values_list('sent_at', flat=True)))"
)


def test_a_worker_killed_mid_send_leaves_the_message_unsent_and_the_next_worker_sends_it_once(
    stack_environment,
):
    smtp = SmtpStub().start()
    environment = {
        **stack_environment,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_EMAIL_USE_SSL": "0",
    }
    try:
        stack.manage(environment, "shell", "-c", MAKE_NOTICE)
        smtp.hold_data = True
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--no-startup-delay",
                "--no-scheduler",
                "--interval",
                "0.2",
            ],
            cwd=stack.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert smtp.holding.wait(60), "the worker never reached the mail server"
        os.kill(worker.pid, signal.SIGKILL)  # killed between sending the data and the server's answer
        worker.wait(timeout=30)

        assert stack.manage(environment, "shell", "-c", PENDING).strip().splitlines()[-1] == "[None]"
        smtp.hold_data = False
        smtp.release.set()
        stack.manage(
            environment, "shell", "-c", "from reporting.services import outbox_send_due; outbox_send_due()"
        )
        stack.manage(
            environment, "shell", "-c", "from reporting.services import outbox_send_due; outbox_send_due()"
        )

        assert smtp.recipients() == ["liaison@example.cn"]
        assert "None" not in stack.manage(environment, "shell", "-c", PENDING).strip().splitlines()[-1]
    finally:
        smtp.stop()


@pytest.fixture(autouse=True)
def _no_leftover_outbox(stack_environment):
    yield
    stack.manage(
        stack_environment,
        "shell",
        "-c",
        "from reporting.models import OutboxEmail; from django.contrib.auth.models import User; "
        "OutboxEmail.objects.filter(to_address='liaison@example.cn').delete(); "
        "User.objects.filter(username='killed-worker-liaison').delete()",
    )
