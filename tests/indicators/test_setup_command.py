"""``manage.py setup`` and the catalogue summary of ``load_catalogue``."""

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Catalogue
from organizations.models import User
from tests.conftest import CATALOGUE_FILE

pytestmark = pytest.mark.django_db

ARGS = [
    "--province=吉林省",
    "--province-code=22",
    "--city=白山市",
    "--city-code=2206",
    "--county=浑江区",
    "--county-code=220602",
]


def test_setup_creates_everything_and_prints_the_next_steps(capsys):
    call_command("setup", *ARGS)

    out = capsys.readouterr().out
    assert "初始化完成" in out and "初始密码：" in out and "下一步" in out
    assert "65 项指标，另有 13 项否决和减星事项" in out
    password = out.split("初始密码：")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.check_password(password) and admin.is_staff
    assert Catalogue.objects.count() == 1


def test_setup_takes_the_password_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("SETUP_ADMIN_PASSWORD", "From-the-env-42")

    call_command("setup", *ARGS, "--admin=it")

    assert User.objects.get(username="it").check_password("From-the-env-42")
    assert "From-the-env-42" not in capsys.readouterr().out


def test_setup_twice_changes_nothing(capsys):
    call_command("setup", *ARGS)
    capsys.readouterr()

    call_command("setup", *ARGS)

    assert "本次未做修改" in capsys.readouterr().out
    # the system administrator, the two other administrators and the county administrator
    assert User.objects.count() == 4 and Catalogue.objects.count() == 1


def test_setup_with_a_bad_code_fails_with_a_chinese_message():
    with pytest.raises(CommandError, match="县代码应为6位或12位数字"):
        call_command("setup", *ARGS[:-1], "--county-code=2206021")

    assert not User.objects.exists() and not Catalogue.objects.exists()


def test_load_catalogue_counts_items_as_the_readme_does(capsys):
    call_command("load_catalogue", str(CATALOGUE_FILE))

    assert "65 项指标，另有 13 项否决和减星事项" in capsys.readouterr().out
