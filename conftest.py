"""Test-run environment: debug settings so that no production secret is needed."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
