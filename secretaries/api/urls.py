"""Routes of the secretary-projects API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import reviews, views

P = "secretary-projects/"
R = "secretary-reviews/"
urlpatterns = [
    path(f"{P}options/", views.OptionListView.as_view(), name="api-sp-options"),
    path(f"{P}dashboard/", views.DashboardView.as_view(), name="api-sp-dashboard"),
    path(f"{P}export/", views.ExportView.as_view(), name="api-sp-export"),
    path(P, views.ProjectListView.as_view(), name="api-sp-projects"),
    path(f"{P}<id:pk>/", views.ProjectDetailView.as_view(), name="api-sp-project"),
    path(f"{P}<id:pk>/submit/", views.SubmitView.as_view(), name="api-sp-submit"),
    path(f"{P}<id:pk>/review/", views.ReviewView.as_view(), name="api-sp-review"),
    path(f"{P}<id:pk>/reports/", views.ReportView.as_view(), name="api-sp-reports"),
    path(f"{P}<id:pk>/visits/", views.VisitView.as_view(), name="api-sp-visits"),
    path(f"{P}<id:pk>/grade/", views.GradeView.as_view(), name="api-sp-grade"),
    # 述职评议考核
    path(f"{R}", reviews.SessionListView.as_view(), name="api-sr-sessions"),
    path(f"{R}<id:pk>/", reviews.SessionDetailView.as_view(), name="api-sr-session"),
    path(f"{R}<id:pk>/open/", reviews.SessionOpenView.as_view(), name="api-sr-open"),
    path(f"{R}<id:pk>/close/", reviews.SessionCloseView.as_view(), name="api-sr-close"),
    path(f"{R}<id:pk>/questions/", reviews.QuestionView.as_view(), name="api-sr-questions"),
    path(f"{R}<id:pk>/problems/", reviews.ProblemView.as_view(), name="api-sr-problems"),
    path(f"{R}<id:pk>/export/", reviews.ExportView.as_view(), name="api-sr-export"),
    path(f"{R}secretaries/<id:pk>/", reviews.SecretaryView.as_view(), name="api-sr-secretary"),
    path(f"{R}secretaries/<id:pk>/report/", reviews.ReportView.as_view(), name="api-sr-report"),
    path(f"{R}secretaries/<id:pk>/answers/", reviews.AnswerView.as_view(), name="api-sr-answers"),
    path(f"{R}secretaries/<id:pk>/scores/", reviews.ScoreView.as_view(), name="api-sr-scores"),
    path(f"{R}secretaries/<id:pk>/checks/", reviews.CheckView.as_view(), name="api-sr-checks"),
    path(
        f"{R}secretaries/<id:pk>/report-file/",
        reviews.ReportFileView.as_view(),
        name="api-sr-report-file",
    ),
    path(
        f"{R}report-files/<id:pk>/download/",
        reviews.ReportFileDownloadView.as_view(),
        name="api-sr-report-file-download",
    ),
    path(
        f"{R}scores/<id:pk>/withdraw/",
        reviews.ScoreWithdrawView.as_view(),
        name="api-sr-score-withdraw",
    ),
]
