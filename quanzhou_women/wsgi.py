"""WSGI entry point: ``gunicorn quanzhou_women.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanzhou_women.settings")

application = get_wsgi_application()
