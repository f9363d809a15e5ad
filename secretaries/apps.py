from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecretariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "secretaries"
    verbose_name = _("书记项目")
