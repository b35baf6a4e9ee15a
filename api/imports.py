from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cabinet.sync.imports import check_total_size, exchange_file_import
from connectors.billing.files import PARSERS, ImportRejected
from tenants.models import Provider


class IsProviderStaff(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_provider_staff", False))


class ExchangeFileInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    format = serializers.ChoiceField(choices=["", *PARSERS], required=False, default="")

    def validate_files(self, files: list) -> list:
        try:
            check_total_size(files)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return files


class ExchangeFileImportApi(APIView):
    """POST exchange files (multipart, field `files`, several allowed; optional `format`).

    201 with what was stored; 400 with field errors, or with `errors` (file, line, reason) when a
    file is refused, in which case nothing was stored.
    """

    permission_classes = [IsProviderStaff]

    def post(self, request: Request) -> Response:
        serializer = ExchangeFileInputSerializer(
            data={"files": request.FILES.getlist("files"), "format": request.data.get("format", "")}
        )
        serializer.is_valid(raise_exception=True)
        provider = cast(Provider, getattr(request._request, "provider", None))
        try:
            outcome = exchange_file_import(
                files=serializer.validated_data["files"],
                requested_format=serializer.validated_data["format"],
                time_zone=provider.time_zone,
                currency=provider.currency,
            )
        except ImportRejected as rejected:
            errors = [{"file": e.file, "line": e.line, "reason": e.reason} for e in rejected.errors]
            return Response(
                {"errors": errors, "truncated": rejected.truncated},
                status=status.HTTP_400_BAD_REQUEST,
            )
        body: dict = {"format": outcome.format_name, "accounts": outcome.accounts}
        if outcome.usage is not None:
            body |= {
                "received": outcome.usage.received,
                "inserted": outcome.usage.inserted,
                "unmatched": outcome.usage.unmatched,
            }
        return Response(body, status=status.HTTP_201_CREATED)
