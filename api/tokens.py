"""API tokens: exchanged for the login (and the two-factor code, where it is on), revoked by
their holder. The same lockouts apply as to the login page."""

from typing import cast

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.users.api_auth import api_token_issue
from tenants.users.models import ApiToken, User
from tenants.users.two_factor import two_factor_device, two_factor_verify


class TokenCreateInputSerializer(serializers.Serializer):
    username = serializers.CharField(
        help_text="E-mail, or on a provider's domain the contract number"
    )
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})
    code = serializers.RegexField(r"^\d{6}$", required=False, help_text="Two-factor code, if on")
    name = serializers.CharField(max_length=100, default="API", help_text="e.g. the device")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once; keep it secret.")
    name = serializers.CharField()
    created_at = serializers.DateTimeField()


class TokenCreateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenCreateInputSerializer, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        given = TokenCreateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if getattr(request._request, "axes_locked_out", False):
            return Response(
                {"detail": "Too many failed attempts; logging in is paused for a while."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            return Response(
                {"non_field_errors": ["The login or password is wrong."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        user = cast(User, user)
        if two_factor_device(user) is not None:
            if "code" not in data:
                return Response(
                    {"code": ["Two-factor authentication is on: give the code."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if two_factor_verify(user=user, token=data["code"]) is None:
                return Response(
                    {"code": ["The code is wrong, or too many were tried: wait."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        token, raw = api_token_issue(user=user, name=data["name"])
        body = {"token": raw, "name": token.name, "created_at": token.created_at}
        return Response(TokenSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenDeleteApi(APIView):
    """Revoke the token this request was made with."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(
            {"detail": "This request was not made with a token."},
            status=status.HTTP_400_BAD_REQUEST,
        )
