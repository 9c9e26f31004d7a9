"""URLs of the reporting portal (namespace ``reporting``)."""

from django.urls import path

from reporting import people, views

app_name = "reporting"

urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("review/", views.review_queue, name="review_queue"),
    path("reports/", views.report_history, name="history"),
    path("notifications/", views.notifications, name="notifications"),
    path("people/", views.portal_view(people.people), name="people"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("assignments/<int:pk>/sign/", views.receipt_sign, name="receipt_sign"),
    path("assignments/<int:pk>/plan/<slug:action>/", views.plan_action, name="plan_action"),
    path("assignments/<int:pk>/periods/<int:period_pk>/report/", views.report_open, name="report_open"),
    path("assignments/<int:pk>/periods/<int:period_pk>/chase/", views.chase, name="chase"),
    path("projects/<int:pk>/periods/<int:period_pk>/chase/", views.chase_all, name="chase_all"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("reports/<int:pk>/<slug:action>/", views.report_action, name="report_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/image/", views.evidence_image, name="evidence_image"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
