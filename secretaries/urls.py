"""URLs of the secretary-project pages (书记项目)."""

from django.urls import path

from .views import pages

urlpatterns = [
    path("secretary-projects/", pages.project_list, name="sp_list"),
    path("secretary-projects/options/", pages.option_create, name="sp_option_create"),
    path("secretary-projects/claim/", pages.project_claim, name="sp_claim"),
    path("secretary-projects/export.xlsx", pages.project_export, name="sp_export"),
    path("secretary-projects/<int:pk>/", pages.project_detail, name="sp_detail"),
    path("secretary-projects/<int:pk>/edit/", pages.project_update, name="sp_update"),
    path("secretary-projects/<int:pk>/submit/", pages.project_submit, name="sp_submit"),
    path("secretary-projects/<int:pk>/review/", pages.project_review, name="sp_review"),
    path("secretary-projects/<int:pk>/reports/", pages.project_report, name="sp_report"),
    path("secretary-projects/<int:pk>/visits/", pages.project_visit, name="sp_visit"),
    path("secretary-projects/<int:pk>/grade/", pages.project_grade, name="sp_grade"),
]
