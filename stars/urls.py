"""URLs of the 创星晋级 pages."""

from django.urls import path

from .views import entries, ladder_inputs, outcomes, rankings, register

urlpatterns = [
    path("stars/", rankings.ranking, name="star_ranking"),
    path("stars/summary/", rankings.summary, name="star_summary"),
    path("stars/handbook/", rankings.handbook, name="star_handbook"),
    path("stars/entries/", entries.entry_list, name="star_entries"),
    path("stars/entries/new/", entries.entry_create, name="star_entry_create"),
    path("stars/entries/<int:pk>/approve/", entries.entry_approve, name="star_entry_approve"),
    path("stars/entries/<int:pk>/reject/", entries.entry_reject, name="star_entry_reject"),
    path("stars/entries/<int:pk>/evidence/", entries.entry_evidence, name="star_entry_evidence"),
    path("stars/members/", register.member_list, name="star_members"),
    path("stars/members/new/", register.member_create, name="star_member_create"),
    path("stars/members/import/", register.member_import, name="star_member_import"),
    path("stars/tables/", register.table_list, name="star_tables"),
    path("stars/tables/copy/", register.tables_copy, name="star_tables_copy"),
    path("stars/tables/<int:pk>/thresholds/", register.table_thresholds, name="star_thresholds"),
    path("stars/tables/<int:pk>/items/", register.item_create, name="star_item_create"),
    path("stars/outcomes/", outcomes.outcome_list, name="star_outcomes"),
    path("stars/outcomes/pay.xlsx", outcomes.pay_list, name="star_pay_list"),
    path("stars/consequences/", outcomes.consequences_set, name="star_consequences_set"),
    path("stars/ladder-inputs/", ladder_inputs.ladder_input_list, name="star_ladder_inputs"),
    path("stars/ladder-inputs/set/", ladder_inputs.ladder_input_set, name="star_ladder_input_set"),
    path(
        "stars/ladder-inputs/fill/<int:pk>/<str:stage>/",
        ladder_inputs.ladder_input_fill,
        name="star_ladder_fill",
    ),
]
