"""Messages of third-party apps that ship no Chinese translation of their own.

Listed here so that ``make messages`` keeps them in the portal's own catalogue (``locale/``), which
Django consults before any app's; never imported.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Record Modified"),  # django-concurrency: a form posted with a stale version
]
