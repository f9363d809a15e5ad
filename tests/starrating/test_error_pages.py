"""The pages a user sees when something goes wrong are Chinese and say what to do."""

import logging

from django.test import RequestFactory
from django.views.defaults import server_error

from starrating.logs import OffsetFormatter


def test_the_500_page_is_chinese_and_needs_nothing():
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in page and "系统管理员" in page
    assert "Server Error" not in page


def test_the_csrf_failure_page_points_to_https(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/login/", {"username": "a", "password": "b"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "请求未通过安全校验" in page and "https://" in page and "X-Forwarded-Proto" in page


def test_log_lines_carry_the_offset_of_the_product_zone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    record.created = 0.0  # 1970-01-01T00:00:00Z

    line = OffsetFormatter().format(record)

    assert line.startswith("1970-01-01T08:00:00.000+08:00 INFO x hello")
