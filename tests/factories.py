"""factory_boy factories for the cast of tests/conftest.py and for tests needing more data."""

import factory

from organizations.initials import name_initials
from organizations.models import Organization, Role, User


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2206029{n:05d}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
    kind = Organization.Kind.VILLAGE
    party_body = Organization.PartyBody.BRANCH
    secretary_name = "张三"
    member_count = 30


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.COUNTY_ADMIN
    password = factory.django.Password("test-pass-123")
