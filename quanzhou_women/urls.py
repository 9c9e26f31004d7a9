"""The portal's URLs: the admin for city staff, the reporting portal for everybody else.

The home page leads a logged-in user to their start page (``reporting.views.home``), others to
the login page.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from reporting.views import home

admin.site.site_header = _("Feature projects of the Quanzhou women's federations")
admin.site.site_title = _("Campaign portal")
admin.site.index_title = _("Campaign administration")
admin.site.site_url = "/tasks/"  # 查看站点: the reporting portal

urlpatterns = [
    path("admin/", admin.site.urls),
    path("dashboards/", include("dashboards.urls")),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("assessments.urls")),
    path("", include("reporting.urls")),
    path("", home, name="home"),
]
