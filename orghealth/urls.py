"""URLs of the organization-health pages (组织建设)."""

from django.urls import path

from .views import pages

urlpatterns = [
    path("health/", pages.health_home, name="health_home"),
    path("health/settings/", pages.health_settings, name="health_settings"),
    path("health/export.xlsx", pages.health_export, name="health_export"),
    path("health/elections/", pages.health_elections, name="health_elections"),
    path("health/elections/new/", pages.health_election_create, name="health_election_create"),
    path("health/body-types/", pages.health_body, name="health_body"),
    path("health/body-types/adjust/", pages.health_body_adjust, name="health_body_adjust"),
    path("health/commitments/", pages.health_commitments, name="health_commitments"),
    path(
        "health/commitments/new/", pages.health_commitment_create, name="health_commitment_create"
    ),
    path(
        "health/commitments/<int:pk>/complete/",
        pages.health_commitment_complete,
        name="health_commitment_complete",
    ),
    path("health/postings/", pages.health_postings, name="health_postings"),
    path("health/postings/new/", pages.health_posting_create, name="health_posting_create"),
    path(
        "health/postings/<int:pk>/extend/",
        pages.health_posting_extend,
        name="health_posting_extend",
    ),
    path("health/teams/", pages.health_teams, name="health_teams"),
    path("health/villages/<int:pk>/team/", pages.health_team, name="health_team"),
    path("health/villages/<int:pk>/members/", pages.health_member_add, name="health_member_add"),
    path("health/members/<int:pk>/leave/", pages.health_member_leave, name="health_member_leave"),
    path("health/weak/", pages.health_weak, name="health_weak"),
    path("health/weak/new/", pages.health_weak_create, name="health_weak_create"),
    path(
        "health/weak/suggestions/<int:pk>/designate/",
        pages.health_weak_suggestion_designate,
        name="health_weak_suggestion_designate",
    ),
    path(
        "health/weak/suggestions/<int:pk>/dismiss/",
        pages.health_weak_suggestion_dismiss,
        name="health_weak_suggestion_dismiss",
    ),
]
