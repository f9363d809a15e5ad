"""Routes of the catalogue API (mounted at ``/api/v1/``)."""

from django.urls import path

import starrating.api  # noqa: F401  (registers the "id" path converter)

from . import views

urlpatterns = [
    path("catalogues/", views.CatalogueListView.as_view(), name="api-catalogues"),
    path("catalogues/<id:pk>/", views.CatalogueDetailView.as_view(), name="api-catalogue"),
    path(
        "catalogues/<id:pk>/items/", views.CatalogueItemsView.as_view(), name="api-catalogue-items"
    ),
    path("catalogues/<id:pk>/copy/", views.CatalogueCopyView.as_view(), name="api-catalogue-copy"),
    path("categories/<id:pk>/", views.CategoryDetailView.as_view(), name="api-category"),
    path("items/<id:pk>/", views.ItemDetailView.as_view(), name="api-item"),
]
