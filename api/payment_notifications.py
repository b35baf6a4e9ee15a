"""The gateways' notifications about a provider's payments, on the provider's own domain.

YooKassa does not sign them: a notification is believed only from YooKassa's addresses
(YOOKASSA_NOTIFICATION_NETWORKS), and even then only what the gateway says when asked again with
the provider's own credentials counts. Stripe signs its events with the provider's own webhook
secret; the signature is checked on the raw body, and the payment is still read back before it
counts. A payment this provider does not know is refused (404), and another provider's Stripe
event fails the signature, so a notification meant for another provider changes nothing here.
"""

import ipaddress
import json
import logging
import uuid

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cabinet.payments.auto_top_up import automatic_payment_charge
from cabinet.payments.gateways import stripe_account
from cabinet.payments.models import OnlinePayment, PaymentStatus
from cabinet.payments.services import online_payment_settle
from cabinet.sync.tasks import outbox_deliver_task
from connectors.errors import ConnectorError
from connectors.gateway_settings import payment_gateway_for
from connectors.models import GatewayKind
from tenants.tasks import provider_task_send
from tenants.users.lockout import client_address

logger = logging.getLogger(__name__)
MAX_NOTIFICATION_BYTES = 64 * 1024


class RawParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return stream.read(MAX_NOTIFICATION_BYTES + 1)


def _from_yookassa(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(
        ip in ipaddress.ip_network(network, strict=False)
        for network in settings.YOOKASSA_NOTIFICATION_NETWORKS
    )


class GatewayNotificationApi(APIView):
    """A gateway's call: no Kabinet login, the body taken raw (its signature covers the bytes),
    and the request's own checks decide what it is worth."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [RawParser]

    @staticmethod
    def raw_body(request: Request) -> bytes:
        return request.data if isinstance(request.data, bytes) else b""


class YooKassaNotificationApi(GatewayNotificationApi):
    @extend_schema(exclude=True)  # YooKassa's format, not Kabinet's API
    def post(self, request: Request) -> Response:
        provider = getattr(request._request, "provider", None)
        address = client_address(request._request)
        if provider is None or not _from_yookassa(address):
            logger.warning("payment notification refused from %s", address)
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        raw = self.raw_body(request)
        try:
            if len(raw) > MAX_NOTIFICATION_BYTES:
                raise ValueError("too large")
            payment_id = str(json.loads(raw)["object"]["id"])
        except (ValueError, KeyError, TypeError, RecursionError):
            return Response({"detail": "not a notification"}, status=status.HTTP_400_BAD_REQUEST)
        payment = OnlinePayment.objects.filter(
            gateway=GatewayKind.YOOKASSA, gateway_payment_id=payment_id
        ).first()
        return _settle(provider, payment, payment_id)


class StripeWebhookApi(GatewayNotificationApi):
    @extend_schema(exclude=True)  # Stripe's format, not Kabinet's API
    def post(self, request: Request) -> Response:
        provider = getattr(request._request, "provider", None)
        gateway = payment_gateway_for(GatewayKind.STRIPE) if provider is not None else None
        if provider is None or gateway is None:
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        raw = self.raw_body(request)
        signature = request.headers.get("Stripe-Signature", "")
        if len(raw) > MAX_NOTIFICATION_BYTES:
            return Response({"detail": "too large"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            event = stripe_account(gateway).read_event(
                raw, signature, gateway.credentials.get("webhook_secret", "")
            )
            kind, subject = str(event.type), event.data.object
            object_id = str(subject.id)
            metadata = getattr(subject, "metadata", None) or {}
            ours = str(metadata.get("kabinet_payment", "")) if hasattr(metadata, "get") else ""
        except (ValueError, AttributeError, TypeError, RecursionError):
            logger.warning("stripe event refused from %s", client_address(request._request))
            return Response({"detail": "bad signature"}, status=status.HTTP_400_BAD_REQUEST)
        stripe_payments = OnlinePayment.objects.filter(gateway=GatewayKind.STRIPE)
        if kind.startswith("checkout.session."):
            payment = stripe_payments.filter(gateway_payment_id=object_id).first()
        elif kind.startswith("payment_intent."):
            payment = (
                stripe_payments.filter(charge_ref=object_id)
                | stripe_payments.filter(automatic=True, gateway_payment_id=object_id)
            ).first() or _automatic_by_reference(stripe_payments, ours)
        else:
            return Response({"status": "ignored"})  # refunds are Kabinet's own doing
        if payment is None:
            # Signed by this provider's own account, so genuine, but not about a payment made
            # here (a payment intent before its checkout completes, or the provider's other
            # sales): Stripe would retry a refusal for days, so it is acknowledged.
            return Response({"status": "ignored"})
        if payment.automatic and payment.status == PaymentStatus.CREATED:
            # The charge's own answer was lost; asking again under its key gives it.
            charged = automatic_payment_charge(payment_id=payment.pk, provider=provider)
            if charged is not None and charged.status == PaymentStatus.SUCCEEDED:
                transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
            return Response({"status": charged.status if charged else payment.status})
        return _settle(provider, payment, object_id)


def _automatic_by_reference(payments, reference: str) -> OnlinePayment | None:
    """An automatic charge named in the intent's metadata, whose own answer never came."""
    try:
        return payments.filter(automatic=True, pk=uuid.UUID(reference)).first()
    except ValueError:
        return None


def _settle(provider, payment: OnlinePayment | None, reference: str) -> Response:
    if payment is None:
        logger.warning("notification for a payment %s unknown here", reference[:64])
        return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
    try:
        payment = online_payment_settle(payment_id=payment.pk)
    except ConnectorError:
        # The gateway asks again later; the client's return page may settle it first.
        return Response({"detail": "try later"}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    if payment.status == PaymentStatus.SUCCEEDED:
        transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
    return Response({"status": payment.status})
