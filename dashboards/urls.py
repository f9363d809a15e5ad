"""URLs of the home page and the read-only pages over results."""

from django.urls import path

from .views import home, record, region, rounds, villages

urlpatterns = [
    path("", home.home, name="home"),
    path("rounds/<int:round_id>/dashboard/", rounds.dashboard, name="dashboard"),
    path("rounds/<int:round_id>/publicity/", rounds.publicity, name="publicity"),
    path("villages/<int:org_id>/", rounds.village, name="village"),
    path("villages/", villages.village_search, name="village_search"),
    path("regions/", region.region, name="region"),
    path(
        "villages/<int:org_id>/record/<int:round_id>/",
        record.village_record,
        name="village_record",
    ),
]
