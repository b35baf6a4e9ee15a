from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.client import _form_data, _valid
from tenants.users.email_categories import EmailCategory
from tenants.users.forms import ProfileForm
from tenants.users.models import Role
from tenants.users.services import user_profile_update


class CurrentUserSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    phone = serializers.CharField()
    language = serializers.CharField()
    role = serializers.CharField()
    email_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=EmailCategory.choices),
        help_text="E-mails the user chose to get (clients only).",
    )
    provider = serializers.CharField(allow_null=True, read_only=True)


class ProfileInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    language = serializers.CharField(required=False)
    email_categories = serializers.ListField(child=serializers.CharField(), required=False)


class CurrentUserGetApi(APIView):
    """Who the session belongs to, on this domain (a session of another provider is unknown
    here); PATCH changes the profile: name, phone, language and, for clients, e-mail choices."""

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        return Response(self._body(request))

    @extend_schema(request=ProfileInputSerializer, responses=CurrentUserSerializer)
    def patch(self, request: Request) -> Response:
        user = request.user
        data = request.data
        if isinstance(data, QueryDict):  # a form body: a list is the same name repeated
            categories = data.getlist("email_categories") if "email_categories" in data else None
            body: dict | None = {key: data[key] for key in data if key != "email_categories"}
        elif isinstance(data, dict):
            body = dict(data)
            categories = body.pop("email_categories", None)
        else:
            body, categories = None, None
        if categories is not None and not (
            isinstance(categories, list) and all(isinstance(item, str) for item in categories)
        ):
            raise serializers.ValidationError({"email_categories": ["Give a list of names."]})
        if categories is not None and user.role != Role.CLIENT:
            raise serializers.ValidationError(
                {"email_categories": ["Only clients choose which e-mails they get."]}
            )
        current = {"full_name": user.full_name, "phone": user.phone, "language": user.language}
        fields: dict = current | _form_data(body)
        clients_choose = user.role == Role.CLIENT
        if clients_choose:
            fields["email_categories"] = user.email_categories if categories is None else categories
        cleaned = _valid(ProfileForm(fields, with_email_choices=clients_choose), strict=True)
        user_profile_update(
            user=user,
            full_name=cleaned["full_name"],
            phone=cleaned["phone"],
            language=cleaned["language"],
            email_categories=cleaned["email_categories"] if clients_choose else None,
        )
        return Response(self._body(request))

    @staticmethod
    def _body(request: Request) -> dict:
        data = dict(CurrentUserSerializer(request.user).data)
        provider = getattr(request._request, "provider", None)
        data["provider"] = provider.slug if provider else None
        return data
