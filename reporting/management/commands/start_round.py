"""``manage.py start_round``: start a new round of the campaign from an earlier one (issue 12, item 1).

The same service as the admin's 「开启新一轮」 page (``reporting.rounds.round_start``), run as the
user named by ``--actor`` (a city administrator).
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.models import Campaign
from quanzhou_women.lib.typography import join_clauses
from reporting.rounds import counts_text, round_preview, round_start


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("--issued-on %(value)s is not a date (YYYY-MM-DD).") % {"value": text}
        ) from error


def _numbers(text: str) -> set[int]:
    try:
        return {int(part) for part in text.replace("，", ",").split(",") if part.strip()}
    except ValueError as error:
        raise CommandError(
            _("--projects %(value)s is not a list of numbers such as 1,2,3.") % {"value": text}
        ) from error


class Command(BaseCommand):
    """Start the round of ``--year`` from the campaign of ``--from`` in one transaction.

    ``--projects 1,2,3`` carries over only those 序号 (default: all, with all their units and
    liaison departments); ``--copy-plans`` copies each unit's 四定 as a draft plan, dates a year
    later; ``--dry-run`` prints what would be created and writes nothing. Errors (an unknown year
    or user, a year in use, a user who is not a city administrator) as ``CommandError`` in Chinese.
    """

    help = "Start a new round of the campaign from an earlier one (the admin's 开启新一轮)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="source", type=int, required=True, help="The year to copy from.")
        parser.add_argument("--year", type=int, required=True, help="The year of the new round.")
        parser.add_argument("--name", default="", help="The new campaign's name (default: from the source).")
        parser.add_argument("--document-number", required=True, help="The notice's 文号.")
        parser.add_argument("--title", default="", help="The notice's title.")
        parser.add_argument("--issued-on", type=_date, default=None, help="The notice's date, YYYY-MM-DD.")
        parser.add_argument("--cadence", default=None, help="The reporting cadence (default: the source's).")
        parser.add_argument("--projects", type=_numbers, default=None, help="The 序号 to carry over: 1,2,3.")
        parser.add_argument("--copy-plans", action="store_true", help="Copy the 四定 as drafts.")
        parser.add_argument("--dry-run", action="store_true", help="Print the preview only.")
        parser.add_argument("--actor", required=True, help="The city administrator's user name.")

    def handle(self, *args, **options) -> None:
        try:
            source = Campaign.objects.get_by_natural_key(options["source"])  # the city's round of that year
        except (Campaign.DoesNotExist, Campaign.MultipleObjectsReturned) as error:
            raise CommandError(
                _("There is no campaign of %(year)s.") % {"year": options["source"]}
            ) from error
        try:
            actor = User.objects.get(username=options["actor"], is_active=True)
        except User.DoesNotExist as error:
            raise CommandError(_("There is no active user %(name)s.") % {"name": options["actor"]}) from error
        numbers = options["projects"]
        if numbers is not None:
            unknown = sorted(numbers - set(source.projects.values_list("number", flat=True)))
            if unknown:
                raise CommandError(
                    _("The %(year)s round has no feature project numbered %(numbers)s.")
                    % {"year": source.year, "numbers": "、".join(map(str, unknown))}
                )
            if not numbers:
                raise CommandError(_("Choose at least one feature project to carry over."))
        selection = {"numbers": numbers, "copy_plans": options["copy_plans"]}
        if options["dry_run"]:
            counts = round_preview(source=source, **selection)
            self.stdout.write(
                _("Preview (nothing written): the %(year)s round would hold %(counts)s.")
                % {"year": options["year"], "counts": counts_text(counts)}
            )
            return
        try:
            campaign = round_start(
                source=source,
                year=options["year"],
                name=options["name"] or source.name.replace(str(source.year), str(options["year"])),
                document_number=options["document_number"],
                document_title=options["title"],
                issued_on=options["issued_on"],
                reporting_cadence=options["cadence"],
                actor=actor,
                **selection,
            )
        except PermissionDenied as error:
            raise CommandError(
                _("%(name)s is not a city administrator and cannot start a round.") % {"name": actor.username}
            ) from error
        except ValidationError as error:
            raise CommandError(
                _("The %(year)s round was not started: %(reason)s")
                % {"year": options["year"], "reason": join_clauses(error.messages)}
            ) from error
        counts = round_preview(source=campaign, copy_plans=options["copy_plans"])
        self.stdout.write(
            _("The %(year)s round is started: %(counts)s.")
            % {"year": campaign.year, "counts": counts_text(counts)}
        )
