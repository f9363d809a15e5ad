"""Sign-in, sign-out, password change and API tokens (the home page is in ``dashboards``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import audit, tokens

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("audit/", audit.audit_log, name="audit_log"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/new/", tokens.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
