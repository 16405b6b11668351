import factory

from tsunagu.core.models import Membership, Municipality, Organization, OrganizationKind, Role, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    # 鳥取県北栄町: a real code with a valid check digit, for "another town" in tests.
    code = "313726"
    name = "北栄町"
    prefecture = "鳥取県"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"テスト相談支援機関{n}")
    kind = OrganizationKind.CONSULTATION_AGENCY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    municipality = factory.SubFactory(MunicipalityFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"職員{n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    municipality = factory.SelfAttribute("user.municipality")
    role = Role.CASEWORKER
