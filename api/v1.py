from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CurrentUserSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    provider = serializers.CharField(allow_null=True, read_only=True)


class CurrentUserGetApi(APIView):
    """Who the session belongs to, on this domain. A session of another provider is unknown here."""

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        data = CurrentUserSerializer(request.user).data
        provider = getattr(request._request, "provider", None)
        data["provider"] = provider.slug if provider else None
        return Response(data)
