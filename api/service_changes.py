"""Client API (v1) writes besides the tariff switch: a voluntary block, its end, switching a
service off, ordering a new service from the catalog, and a promised payment. Each answers 202:
billing confirms or refuses later, and the service (or account, or catalog) shows the outcome."""

import re
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.client import (
    ChangeStateSerializer,
    PlanSerializer,
    _access,
    _form_data,
    _module,
    _provider,
    _valid,
)
from cabinet.accounts.models import Capability
from cabinet.catalog.models import Plan
from cabinet.catalog.selectors import catalog_seen_by
from cabinet.forms import PromisedPaymentForm, ServiceActionForm
from cabinet.services.changes import (
    SERVICE_ACTIONS,
    ChangeRefused,
    OrderState,
    promised_payment_limit,
    promised_payment_open,
    promised_payment_request,
    service_action_request,
    service_actions_for,
    service_actions_open,
    service_change_states,
    service_order_request,
)
from cabinet.services.models import Subscription
from cabinet.sync.models import OutboxMessage
from cabinet.sync.tasks import outbox_deliver_task
from tenants.presets import Module
from tenants.tasks import provider_task_send


class ServiceActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(SERVICE_ACTIONS))
    until_on = serializers.DateField(
        required=False, help_text="suspend only: the day the service comes back by itself."
    )


def _queue_delivery(request: Request) -> None:
    provider = _provider(request)
    transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))


class ServiceActionApi(APIView):
    @extend_schema(request=ServiceActionInputSerializer, responses={202: ChangeStateSerializer})
    def post(self, request: Request, account_id: int, subscription_id: int) -> Response:
        access = _access(request, account_id, Capability.SERVICES)
        _module(request, Module.SELF_SERVICE)
        subscription = get_object_or_404(
            Subscription.objects.select_related("account", "plan"),
            id=subscription_id,
            account=access.account,
        )
        form = ServiceActionForm(
            _form_data(request.data),
            actions=service_actions_for(subscription, service_actions_open()),
            zone=ZoneInfo(_provider(request).time_zone),
        )
        data = _valid(form, strict=True)
        try:
            service_action_request(
                subscription=subscription, action=data["action"], until=data["until"]
            )
        except ChangeRefused as refused:
            raise ValidationError({"non_field_errors": [str(refused)]}) from None
        _queue_delivery(request)
        state = service_change_states([subscription])[subscription.external_id]
        return Response(ChangeStateSerializer(state).data, status=status.HTTP_202_ACCEPTED)


class PromisedPaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class PromisedPaymentStateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="pending until billing confirms or refuses.")
    amount = serializers.CharField(source="payload.amount")
    currency = serializers.CharField(source="payload.currency")


class PromisedPaymentApi(APIView):
    @extend_schema(
        request=PromisedPaymentInputSerializer, responses={202: PromisedPaymentStateSerializer}
    )
    def post(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.MONEY)
        _module(request, Module.SELF_SERVICE)
        if not promised_payment_open():
            refusal = _("Promised payments are not offered.")
            raise ValidationError({"non_field_errors": [refusal]})
        form = PromisedPaymentForm(_form_data(request.data), limit=promised_payment_limit())
        data = _valid(form, strict=True)
        try:
            message = promised_payment_request(account=access.account, amount=data["amount"])
        except ChangeRefused as refused:
            raise ValidationError({"non_field_errors": [str(refused)]}) from None
        _queue_delivery(request)
        body = PromisedPaymentStateSerializer(cast(OutboxMessage, message)).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class OrderStateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="pending until billing confirms, or rejected.")
    reason = serializers.CharField()


class CatalogItemSerializer(serializers.Serializer):
    plan = PlanSerializer()
    service_type = serializers.CharField(source="plan.service_type")
    description = serializers.SerializerMethodField()
    owned = serializers.BooleanField()
    switchable = serializers.BooleanField()
    orderable = serializers.BooleanField(help_text="POST .../orders with this plan's id.")
    order = OrderStateSerializer(allow_null=True)

    def get_description(self, item: Any) -> str:
        return item.showcase.description if item.showcase else ""


class CatalogListApi(APIView):
    """The provider's catalog as this account sees it: what it has, can switch to, can order."""

    @extend_schema(responses=CatalogItemSerializer(many=True))
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id)
        _module(request, Module.CATALOG)
        items = catalog_seen_by(access=access, modules=_provider(request).modules)
        return Response(CatalogItemSerializer(items, many=True).data)


class OrderInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField()


class OrderApi(APIView):
    @extend_schema(request=OrderInputSerializer, responses={202: OrderStateSerializer})
    def post(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.SERVICES)
        _module(request, Module.SELF_SERVICE)
        _module(request, Module.CATALOG)
        data = _form_data(request.data)
        if set(data) - {"plan"}:
            raise ValidationError({name: ["Unknown field."] for name in set(data) - {"plan"}})
        plan_id = data.get("plan", "")
        plans = Plan.objects.exclude(showcase__hidden=True)
        known_id = re.fullmatch(r"[0-9]{1,18}", plan_id)
        plan = plans.filter(pk=int(plan_id)).first() if known_id else None
        if plan is None:
            raise ValidationError({"plan": ["No such tariff in the catalog."]})
        try:
            message = service_order_request(account=access.account, plan=plan)
        except ChangeRefused as refused:
            raise ValidationError({"non_field_errors": [str(refused)]}) from None
        _queue_delivery(request)
        state = OrderState(message.status, message.last_error)
        return Response(OrderStateSerializer(state).data, status=status.HTTP_202_ACCEPTED)
