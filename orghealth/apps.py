from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrghealthConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orghealth"
    verbose_name = _("组织建设")
