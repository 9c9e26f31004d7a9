"""The portal's URLs: the admin for city staff; the home page leads there."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Feature projects of the Quanzhou women's federations")
admin.site.site_title = _("Campaign portal")
admin.site.index_title = _("Campaign administration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("dashboards/", include("dashboards.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]
