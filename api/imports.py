from typing import cast
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cabinet.sync.imports import check_total_size
from cabinet.sync.models import ExchangeImport
from cabinet.sync.tasks import exchange_import_start
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


class ExchangeImportOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ExchangeImport
        fields = [
            "id",
            "url",
            "status",
            "format_name",
            "file_names",
            "created_at",
            "started_at",
            "finished_at",
            "received",
            "inserted",
            "unmatched",
            "accounts",
            "errors",
            "errors_truncated",
        ]

    def get_url(self, job: ExchangeImport) -> str:
        return reverse("api-imports-get", args=[job.id])


def _refused(rejected: ImportRejected) -> Response:
    errors = [{"file": e.file, "line": e.line, "reason": e.reason} for e in rejected.errors]
    return Response(
        {"errors": errors, "truncated": rejected.truncated}, status=status.HTTP_400_BAD_REQUEST
    )


class ExchangeFileImportApi(APIView):
    """POST exchange files (multipart, field `files`, several allowed; optional `format`).

    202 with the queued import (poll its `url` until `status` is done, refused or failed); 400
    with field errors, or with `errors` (file, line, reason) when the format cannot be told.
    """

    permission_classes = [IsProviderStaff]

    @extend_schema(
        request={"multipart/form-data": ExchangeFileInputSerializer},
        responses={202: ExchangeImportOutputSerializer},
    )
    def post(self, request: Request) -> Response:
        serializer = ExchangeFileInputSerializer(
            data={"files": request.FILES.getlist("files"), "format": request.data.get("format", "")}
        )
        serializer.is_valid(raise_exception=True)
        try:
            job = exchange_import_start(
                provider=cast(Provider, getattr(request._request, "provider", None)),
                files=serializer.validated_data["files"],
                requested_format=serializer.validated_data["format"],
                user=request.user,
            )
        except ImportRejected as rejected:
            return _refused(rejected)
        body = ExchangeImportOutputSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ExchangeImportGetApi(APIView):
    """GET one import: its status and, once finished, what was stored or the refused rows."""

    permission_classes = [IsProviderStaff]

    @extend_schema(responses=ExchangeImportOutputSerializer)
    def get(self, request: Request, import_id: UUID) -> Response:
        job = get_object_or_404(ExchangeImport, id=import_id)
        return Response(ExchangeImportOutputSerializer(job).data)
