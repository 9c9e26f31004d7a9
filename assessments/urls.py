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
    path("assessments/inspections/", views.inspection_list, name="inspections"),
    path("assessments/schemes/<int:pk>/assign/", views.inspection_assign, name="inspection_assign"),
    path("assessments/inspections/<int:pk>/", views.inspection_edit, name="inspection"),
    path("assessments/inspection-photos/<int:pk>/", views.inspection_photo, name="inspection_photo"),
    path("assessments/results/", views.results, name="results"),
    path("assessments/schemes/<int:pk>/results/<slug:action>/", views.result_action, name="result_action"),
]
