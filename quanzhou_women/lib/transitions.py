"""The rows that record a workflow's steps (a plan's confirmation, a report's or a self-assessment's
review): who took the step, when, and why.

A transition model subclasses ``Transition`` (abstract: no table of its own), adds the foreign key
to its record (``related_name="transitions"``) and declares ``action``, ``from_status`` and
``to_status`` with its own choices (``reporting.models.ReviewTransition`` does it once for the
reviews of reports and self-assessments). The step itself — refuse it from a wrong status, write
the row, move the record — is ``reporting.services.transition_record``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transition(models.Model):
    """One step of a record's workflow: who (``actor``), when (``at``, aware, UTC) and why
    (``reason``, blank unless the step needs one, e.g. a return).

    Subclasses declare ``action`` (a ``CharField`` with choices, used by ``__str__``),
    ``from_status`` and ``to_status``, and keep their own ``Meta`` (ordering, verbose names,
    constraints such as "a return has a reason").
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        """The step and its moment, e.g. “已提交 2014-03-05 09:30”."""
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
