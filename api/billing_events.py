import logging

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cabinet.sync.connection import NotConfigured, billing_connector
from cabinet.sync.events import event_record
from cabinet.sync.tasks import billing_event_task
from connectors.errors import Rejected
from tenants.tasks import provider_task_send

logger = logging.getLogger(__name__)


class BillingEventReceiveApi(APIView):
    """Change events pushed by the provider's billing system, on the provider's own domain.

    The signature (the provider's own secret) is the authentication; a bad or stale signature, an
    event for another provider, or a body that is not an event gets a 400 and a log line. A
    duplicate is acknowledged and ignored. Processing happens in a task.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        exclude=True
    )  # part of the billing contract (docs/billing-contract.openapi.yaml)
    def post(self, request: Request) -> Response:
        provider = getattr(request._request, "provider", None)
        if provider is None:
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        raw_body = request._request.body
        try:
            event = billing_connector().verify_event(request.headers, raw_body)
        except NotConfigured:
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        except Rejected as error:
            logger.warning("billing event refused for %s: %s", provider.slug, error.code)
            return Response(
                {"code": error.code, "detail": str(error)}, status=status.HTTP_400_BAD_REQUEST
            )
        if event_record(event) is None:
            return Response({"status": "duplicate"}, status=status.HTTP_200_OK)
        transaction.on_commit(lambda: provider_task_send(billing_event_task, provider, event.id))
        return Response({"status": "accepted"}, status=status.HTTP_202_ACCEPTED)
