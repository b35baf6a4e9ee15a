"""The client API (v1): what the cabinet's pages show and do, for a provider's mobile app.

Every endpoint names the account in its path and answers 404 for an account the user cannot
reach (another client's, another provider's) and 403 for what the user's role there does not
allow. Bad parameters answer 400 with field errors.
"""

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cabinet.accounts.models import AccountAccess, Capability
from cabinet.accounts.selectors import account_access_of, account_balance
from cabinet.documents.models import Document
from cabinet.documents.services import document_file_get
from cabinet.forms import DocumentFilterForm, PeriodForm, PlanChangeForm, UsageForm
from cabinet.selectors import document_list, payment_list
from cabinet.services.changes import (
    SERVICE_ACTIONS,
    ChangeRefused,
    plan_change_modes,
    plan_change_request,
    plan_change_targets,
    service_actions_for,
    service_actions_open,
    service_change_states,
)
from cabinet.services.models import Subscription, SubscriptionStatus
from cabinet.sync.tasks import outbox_deliver_task
from cabinet.usage.selectors import usage_chart, usage_series_of, usage_services_of
from connectors.errors import ConnectorError
from tenants.models import Provider
from tenants.presets import Module
from tenants.tasks import provider_task_send


class Pages(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


def _provider(request: Request) -> Provider:
    return cast(Provider, getattr(request._request, "provider", None))


def _access(request: Request, account_id: int, capability: str | None = None) -> AccountAccess:
    access = account_access_of(user=request.user, account_id=account_id)
    if access is None:
        raise NotFound("No such account.")
    if capability and not access.can(capability):
        raise PermissionDenied("Your role on this account does not allow this.")
    return access


def _module(request: Request, module: str) -> None:
    if module not in _provider(request).modules:
        raise NotFound("This provider does not offer this.")


def _form_data(data: Any) -> dict:
    """A JSON body as form data: an object whose values are plain strings or numbers."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    wrong = {
        key: ["Give a string or a number."]
        for key, value in data.items()
        if not isinstance(value, str | int | float) or isinstance(value, bool)
    }
    if wrong:
        raise ValidationError(wrong)
    return {key: str(value) for key, value in data.items()}


def _valid(form: Any, *, strict: bool = False) -> dict:
    """The form's cleaned data, or a 400 with its errors by field. `strict` (for writes) also
    refuses fields the form does not know: a misspelt name must not be ignored silently."""
    unknown = set(form.data) - set(form.fields) if strict else set()
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise ValidationError(
            {
                "non_field_errors" if field == "__all__" else field: [e["message"] for e in items]
                for field, items in errors.items()
            }
        )
    return form.cleaned_data


class MoneySerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class PromisedPaymentSerializer(serializers.Serializer):
    amount = MoneySerializer()
    until = serializers.DateTimeField()


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="account.id")
    number = serializers.CharField(source="account.number")
    holder_name = serializers.CharField(source="account.holder_name")
    holder_kind = serializers.CharField(source="account.holder_kind")
    status = serializers.CharField(source="account.status")
    role = serializers.CharField()


class AccountDetailSerializer(AccountSerializer):
    balance = MoneySerializer(allow_null=True)
    balance_as_of = serializers.DateTimeField(allow_null=True)
    balance_stale = serializers.BooleanField()
    recommended_payment = MoneySerializer(allow_null=True)
    credit_limit = MoneySerializer(allow_null=True)
    promised_payment = PromisedPaymentSerializer(
        allow_null=True, help_text="The promised payment running now, if any."
    )


class AccountListApi(APIView):
    """Accounts the user can reach, with the user's role on each."""

    @extend_schema(responses=AccountSerializer(many=True))
    def get(self, request: Request) -> Response:
        accesses = AccountAccess.objects.filter(user=request.user).select_related("account")
        return Response(AccountSerializer(accesses, many=True).data)


def _money(value: Any, currency: str) -> dict | None:
    """Money as a decimal string with its currency (never a float)."""
    if value is None:
        return None
    return dict(MoneySerializer({"value": value, "currency": currency}).data)


class AccountGetApi(APIView):
    """One account; money fields are null for a role that does not see money."""

    @extend_schema(responses=AccountDetailSerializer)
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id)
        account = access.account
        data: dict[str, Any] = {
            "account": account,
            "role": access.role,
            "balance": None,
            "balance_as_of": None,
            "balance_stale": False,
            "recommended_payment": None,
            "credit_limit": None,
            "promised_payment": None,
        }
        if access.can(Capability.MONEY):
            balance = account_balance(account=account, provider=_provider(request), connector=None)
            data |= {
                "balance": _money(balance.value, balance.currency),
                "balance_as_of": balance.as_of,
                "balance_stale": balance.stale,
                "recommended_payment": _money(account.recommended_payment, account.currency),
                "credit_limit": _money(account.credit_limit, account.currency),
                "promised_payment": {
                    "amount": _money(account.promised_amount, account.currency),
                    "until": account.promised_until,
                }
                if account.promise_running
                else None,
            }
        return Response(AccountDetailSerializer(data).data)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price = serializers.SerializerMethodField()
    period = serializers.CharField()

    def get_price(self, plan: Any) -> dict | None:
        return _money(plan.recurring_price, plan.currency)


class ChangeStateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["change_plan", "suspend", "resume", "end"])
    plan_name = serializers.CharField()
    mode = serializers.CharField()
    status = serializers.CharField()
    reason = serializers.CharField()


class ServiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    plan = PlanSerializer()
    scheduled_plan = PlanSerializer(allow_null=True)
    scheduled_at = serializers.DateTimeField(allow_null=True)
    change = ChangeStateSerializer(allow_null=True)
    change_to = PlanSerializer(many=True, help_text="Tariffs the client may switch to now.")
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(SERVICE_ACTIONS)),
        help_text="What the client may do to the service now (POST .../actions).",
    )


class ServiceListApi(APIView):
    @extend_schema(responses=ServiceSerializer(many=True))
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.SERVICES)
        subscriptions = list(
            access.account.subscriptions.exclude(status=SubscriptionStatus.ENDED).select_related(
                "plan", "scheduled_plan"
            )
        )
        states = service_change_states(subscriptions)
        self_service = Module.SELF_SERVICE in _provider(request).modules
        switching = self_service and plan_change_modes()
        open_actions = service_actions_open() if self_service else []
        rows = [
            {
                "id": subscription.id,
                "status": subscription.status,
                "plan": subscription.plan,
                "scheduled_plan": subscription.scheduled_plan,
                "scheduled_at": subscription.scheduled_at,
                "change": states.get(subscription.external_id),
                "change_to": plan_change_targets(subscription) if switching else [],
                "actions": service_actions_for(subscription, open_actions),
            }
            for subscription in subscriptions
        ]
        return Response(ServiceSerializer(rows, many=True).data)


class PlanChangeInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=["now", "next_period", "date"])
    effective_on = serializers.DateField(required=False)


class PlanChangeApi(APIView):
    """Ask billing to switch a service to another tariff: 202, then the service shows the change
    as waiting until billing confirms (or refuses, with its reason)."""

    @extend_schema(request=PlanChangeInputSerializer, responses={202: ChangeStateSerializer})
    def post(self, request: Request, account_id: int, subscription_id: int) -> Response:
        access = _access(request, account_id, Capability.SERVICES)
        _module(request, Module.SELF_SERVICE)
        subscription = get_object_or_404(
            Subscription.objects.select_related("plan"), id=subscription_id, account=access.account
        )
        provider = _provider(request)
        form = PlanChangeForm(
            _form_data(request.data),
            targets=plan_change_targets(subscription),
            modes=plan_change_modes(),
            zone=ZoneInfo(provider.time_zone),
        )
        data = _valid(form, strict=True)
        try:
            plan_change_request(
                subscription=subscription,
                plan=data["plan"],
                mode=data["mode"],
                effective_at=data["effective_at"],
            )
        except ChangeRefused as refused:
            raise ValidationError({"non_field_errors": [str(refused)]}) from None
        transaction.on_commit(lambda: provider_task_send(outbox_deliver_task, provider))
        state = service_change_states([subscription])[subscription.external_id]
        return Response(ChangeStateSerializer(state).data, status=status.HTTP_202_ACCEPTED)


class UsagePointSerializer(serializers.Serializer):
    start = serializers.DateField()
    quantity = serializers.DecimalField(max_digits=24, decimal_places=2)


class UsageSerializer(serializers.Serializer):
    series = serializers.CharField(source="series.key")
    label = serializers.CharField(source="series.label")
    grain = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField()
    unit = serializers.CharField()
    total = serializers.DecimalField(max_digits=24, decimal_places=2)
    points = UsagePointSerializer(many=True, source="buckets")


class UsageGetApi(APIView):
    """Consumption of one metric by day, week or month (the provider's calendar); without
    `series`, the account's first; `series` values are listed in `available`."""

    @extend_schema(
        parameters=[
            OpenApiParameter("service", int, description="one service's own usage"),
            OpenApiParameter("series", str),
            OpenApiParameter("grain", str, enum=["day", "week", "month"]),
            OpenApiParameter("since", str),
            OpenApiParameter("until", str),
        ],
        responses=UsageSerializer,
    )
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.SERVICES)
        _module(request, Module.USAGE)
        services = usage_services_of(access.account)
        wanted = request.query_params.get("service")
        service = next((item for item in services if str(item.id) == wanted), None)
        series = usage_series_of(access.account, service.id if service else None)
        today = timezone.now().astimezone(ZoneInfo(_provider(request).time_zone)).date()
        form = UsageForm(request.query_params, series=series, today=today, services=services)
        data = _valid(form)
        available = [{"series": item.key, "label": item.label} for item in series]
        body: dict[str, Any] = {
            "available": available,
            "services": [{"id": item.id, "label": item.label} for item in services],
            "usage": None,
        }
        if not series:
            return Response(body)
        chosen = next((item for item in series if item.key == data["series"]), series[0])
        chart = usage_chart(
            account=access.account,
            series=chosen,
            grain=data["grain"],
            since=data["since"],
            until=data["until"],
            subscription_id=data["service"],
        )
        body["usage"] = UsageSerializer(chart).data
        return Response(body)


class DocumentSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "number",
            "issued_at",
            "period_from",
            "period_to",
            "due_at",
            "status",
            "total",
            "file_url",
        ]

    def get_total(self, document: Document) -> dict | None:
        return _money(document.total, document.currency)

    def get_file_url(self, document: Document) -> str | None:
        if not (document.file or "pdf" in document.file_formats):
            return None
        return f"/api/v1/accounts/{document.account_id}/documents/{document.id}/file"


class DocumentListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter(name, str) for name in ("since", "until", "kind")],
        responses=DocumentSerializer(many=True),
    )
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.MONEY)
        _module(request, Module.DOCUMENTS)
        data = _valid(DocumentFilterForm(request.query_params))
        rows = document_list(
            account=access.account,
            zone=ZoneInfo(_provider(request).time_zone),
            since=data["since"],
            until=data["until"],
            kind=data["kind"],
        )
        pages = Pages()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(DocumentSerializer(page, many=True).data)


class DocumentFileApi(APIView):
    """The document's PDF (fetched from billing on first use); 503 when billing cannot give it."""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, account_id: int, document_id: int) -> Any:
        access = _access(request, account_id, Capability.MONEY)
        document = get_object_or_404(Document, id=document_id, account=access.account)
        try:
            document = document_file_get(document)
        except ConnectorError:
            return Response(
                {"detail": "The billing system did not give the file; try again later."},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        name = f"{document.kind}-{document.number}.pdf"
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.SerializerMethodField()
    posted_at = serializers.DateTimeField()
    method = serializers.CharField()
    comment = serializers.CharField()

    def get_amount(self, payment: Any) -> dict | None:
        return _money(payment.amount, payment.currency)


class PaymentListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter(name, str) for name in ("since", "until")],
        responses=PaymentSerializer(many=True),
    )
    def get(self, request: Request, account_id: int) -> Response:
        access = _access(request, account_id, Capability.MONEY)
        data = _valid(PeriodForm(request.query_params))
        rows = payment_list(
            account=access.account,
            zone=ZoneInfo(_provider(request).time_zone),
            since=data["since"],
            until=data["until"],
        )
        pages = Pages()
        page = pages.paginate_queryset(rows, request, view=self)
        return pages.get_paginated_response(PaymentSerializer(page, many=True).data)
