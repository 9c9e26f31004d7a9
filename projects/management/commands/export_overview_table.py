"""``manage.py export_overview_table --campaign 2014 --output FILE.xlsx``: the official 一览表."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Case, When

from projects.models import Campaign, FeatureProject
from projects.overview_table import overview_table_filename, write_overview_table
from units.models import Organisation


class Command(BaseCommand):
    """Write a campaign's 一览表 as .xlsx in the layout of the printed attachment."""

    help = "Write the overview table (一览表) of a campaign as an Excel workbook in its printed layout."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, required=True, help="The campaign's year, e.g. 2014.")
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the .xlsx (default: the table's title, e.g. 2014年…一览表.xlsx).",
        )

    def handle(self, *args, campaign: int, output: Path | None, **options) -> None:
        found = (  # the city's round of that year first (several bodies may issue one, issue 13)
            Campaign.objects.select_related("issuing_body")
            .filter(year=campaign)
            .order_by(
                Case(When(issuing_body__kind=Organisation.Kind.CITY_FEDERATION, then=0), default=1), "pk"
            )
            .first()
        )
        if found is None:
            raise CommandError(f"No campaign of year {campaign}.")
        output = output or Path(overview_table_filename(found))
        data = write_overview_table(found, FeatureProject.objects.filter(campaign=found))
        output.write_bytes(data)
        self.stdout.write(f"{output} ({len(data)} bytes)")
