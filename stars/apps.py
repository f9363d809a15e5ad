from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StarsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stars"
    verbose_name = _("创星晋级")
