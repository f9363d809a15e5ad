"""URLs of the ledger pages: 整改台账, 督导, 包保, 佐证材料, 提醒."""

from django.urls import path

from .views import evidence, pairings, rectifications, reminders, visits

urlpatterns = [
    path("ledgers/", rectifications.ledger_list, name="ledger_list"),
    path("ledgers/new/", rectifications.ledger_create, name="ledger_create"),
    path("ledgers/<int:pk>/", rectifications.ledger_detail, name="ledger_detail"),
    path("ledgers/<int:pk>/edit/", rectifications.ledger_update, name="ledger_update"),
    path("ledgers/<int:pk>/notes/", rectifications.ledger_note, name="ledger_note"),
    path("ledgers/<int:pk>/close/", rectifications.ledger_close, name="ledger_close"),
    path("ledgers/<int:pk>/reopen/", rectifications.ledger_reopen, name="ledger_reopen"),
    path(
        "findings/<int:pk>/ledger/", rectifications.ledger_from_finding, name="ledger_from_finding"
    ),
    path(
        "assessments/<int:pk>/ledger/",
        rectifications.ledger_from_weakness,
        name="ledger_from_weakness",
    ),
    path(
        "rounds/<int:round_id>/weak/<str:code>/",
        rectifications.weak_list,
        name="ledger_weak_list",
    ),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path(
        "visit-problems/<int:pk>/ledger/",
        visits.visit_problem_to_ledger,
        name="visit_problem_to_ledger",
    ),
    path("pairings/", pairings.pairing_list, name="pairing_list"),
    path("pairings/import/", pairings.pairing_import, name="pairing_import"),
    path("evidence/upload/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/download/", evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/withdraw/", evidence.evidence_withdraw, name="evidence_withdraw"),
    path("reminders/", reminders.reminder_list, name="reminder_list"),
    path("reminders/count/", reminders.reminder_count, name="reminder_count"),
    path("reminders/read/", reminders.reminder_read, name="reminder_read"),
]
