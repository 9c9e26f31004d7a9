"""URLs of 争六好 自评 (namespace ``assessments``)."""

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/edit/", views.assessment_edit, name="edit"),
    path("assessments/<int:pk>/<slug:action>/", views.assessment_action, name="action"),
    path("assessments/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("assessments/evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
