"""``manage.py ensure_local_admin``: the ``admin`` superuser of a developer's machine."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local" / "admin-password"


class Command(BaseCommand):
    """Create the ``admin`` superuser once, keep its password in ``.local/`` and print it.

    Only on a developer's machine (``DJANGO_DEBUG=1``): it refuses to run anywhere else. Running it
    again prints the same password; if the password file was lost, it sets a new one.
    """

    help = "Create the local 'admin' superuser (debug set-ups only) and print its password."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin only runs with DJANGO_DEBUG=1 (a local set-up).")
        user_model = get_user_model()
        user = user_model.objects.filter(username="admin").first()
        password = PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            if user is None:
                user = user_model.objects.create_superuser("admin", "admin@localhost", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            PASSWORD_FILE.parent.mkdir(exist_ok=True)
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        self.stdout.write(
            f"Local administrator — user: admin  password: {password}\n"
            "本机管理员 — 用户名：admin  密码：" + password
        )
