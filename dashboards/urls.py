"""URLs of the dashboards (namespace ``dashboards``)."""

from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("status-colours.css", views.status_colours_css, name="status_colours_css"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("cells/<int:pk>/", views.cell, name="cell"),
]
