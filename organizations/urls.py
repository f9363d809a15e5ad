"""Sign-in, sign-out, password change, second factor, user management, security, the audit log
and API tokens (the home page is in ``dashboards``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import audit, auth, security, tokens, users

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth.password_change, name="password_change"),
    path("logout/everywhere/", auth.logout_everywhere, name="logout_everywhere"),
    path("otp/", auth.otp_verify, name="otp_verify"),
    path("otp/enrol/", auth.otp_enrol, name="otp_enrol"),
    path("otp/enrol/qr.svg", auth.otp_qr, name="otp_qr"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/bulk/", users.user_bulk, name="user_bulk"),
    path("users/bulk/template.xlsx", users.user_template, name="user_template"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", users.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", users.user_reset_password, name="user_reset_password"),
    path("security/", security.security, name="security"),
    path("security/policy/", security.policy, name="security_policy"),
    path("security/users/<int:pk>/unlock/", security.unlock, name="security_unlock"),
    path(
        "security/users/<int:pk>/sessions/revoke/",
        security.sessions_revoke,
        name="security_sessions_revoke",
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
