"""``manage.py load_campaign_2014``: the 2014 一览表 in a database that does not have it yet."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Campaign
from projects.services import history_start
from units.models import Organisation

CHANGE_REASON = "载入2014年一览表（泉妇〔2013〕81号附件）"


class Command(BaseCommand):
    """Load ``fixtures/campaign_2014.json`` once, and start every loaded row's history.

    ``loaddata campaign_2014`` alone may run any number of times but puts the seed's texts back
    over what staff changed since; this command loads only when there is no 2014 campaign, so
    that ``make run`` never overwrites anybody's work. Each loaded row gets a first history record
    ("created", with the notice as its reason), so that the first change shows what it changed.
    """

    help = "Load the 2014 campaign of notice 泉妇〔2013〕81号 unless it is already there."

    def handle(self, *args, **options) -> None:
        # The city's round: a county's 2014 round (issue 13) does not count.
        if Campaign.objects.filter(year=2014, issuing_body__kind=Organisation.Kind.CITY_FEDERATION).exists():
            self.stdout.write(_("The 2014 campaign is already loaded; nothing was changed."))
            return
        with transaction.atomic():
            call_command("loaddata", "campaign_2014", verbosity=0)
            created = history_start(reason=CHANGE_REASON)
        self.stdout.write(_("Loaded the 2014 campaign: %(count)d records.") % {"count": created})
