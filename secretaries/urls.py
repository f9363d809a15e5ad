"""URLs of the secretary-project pages (书记项目)."""

from django.urls import path

from .views import pages, reviews

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
    path("secretary-reviews/", reviews.review_list, name="sr_list"),
    path("secretary-reviews/create/", reviews.review_create, name="sr_create"),
    path("secretary-reviews/<int:pk>/", reviews.session_detail, name="sr_detail"),
    path("secretary-reviews/<int:pk>/settings/", reviews.session_update, name="sr_update"),
    path("secretary-reviews/<int:pk>/open/", reviews.session_open, name="sr_open"),
    path("secretary-reviews/<int:pk>/close/", reviews.session_close, name="sr_close"),
    path("secretary-reviews/<int:pk>/questions/", reviews.question_add, name="sr_question"),
    path("secretary-reviews/<int:pk>/problems/", reviews.problem_add, name="sr_problem"),
    path("secretary-reviews/<int:pk>/export.xlsx", reviews.session_export, name="sr_export"),
    path("secretary-reviews/secretaries/<int:pk>/", reviews.reviewee_detail, name="sr_secretary"),
    path("secretary-reviews/secretaries/<int:pk>/report/", reviews.report_save, name="sr_report"),
    path("secretary-reviews/secretaries/<int:pk>/answers/", reviews.answer_save, name="sr_answer"),
    path("secretary-reviews/secretaries/<int:pk>/scores/", reviews.score_add, name="sr_score"),
    path("secretary-reviews/secretaries/<int:pk>/checks/", reviews.check_add, name="sr_check"),
    path(
        "secretary-reviews/secretaries/<int:pk>/report-file/",
        reviews.report_file_upload,
        name="sr_report_file",
    ),
    path(
        "secretary-reviews/report-files/<int:pk>/download/",
        reviews.report_file_download,
        name="sr_report_file_download",
    ),
    path(
        "secretary-reviews/scores/<int:pk>/withdraw/",
        reviews.score_withdraw,
        name="sr_score_withdraw",
    ),
]
