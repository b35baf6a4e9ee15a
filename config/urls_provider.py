"""URLs of a provider's domain: the client cabinet, /manage/ for the provider's staff, the API."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api import client as client_api
from api import service_changes as service_changes_api
from api.billing_events import BillingEventReceiveApi
from api.imports import ExchangeFileImportApi, ExchangeImportGetApi
from api.payment_notifications import StripeWebhookApi, YooKassaNotificationApi
from api.tokens import TokenCreateApi, TokenDeleteApi
from api.v1 import CurrentUserGetApi
from branding import legal_views
from branding import views as branding_views
from cabinet import auto_top_up_views, payment_views, service_views
from cabinet import views as cabinet_views
from config.health import health
from console import audit_views, domain_views, gateway_views, module_views, refund_views
from console import branding_views as branding_console
from console import legal_views as console_legal
from console import views as console_views

urlpatterns = [
    path("", cabinet_views.home, name="home"),
    path("account/switch", cabinet_views.account_switch, name="cabinet-account-switch"),
    path("register", cabinet_views.register, name="cabinet-register"),
    path("register/confirm", cabinet_views.register_confirm, name="cabinet-register-confirm"),
    path("documents/", cabinet_views.documents, name="cabinet-documents"),
    path(
        "documents/<int:document_id>/file",
        cabinet_views.document_file,
        name="cabinet-document-file",
    ),
    path("payments/", cabinet_views.payments, name="cabinet-payments"),
    path("usage/", cabinet_views.usage, name="cabinet-usage"),
    path("catalog/", cabinet_views.catalog, name="cabinet-catalog"),
    path("alerts/", cabinet_views.alerts, name="cabinet-alerts"),
    path("catalog/<int:plan_id>/picture", cabinet_views.plan_picture, name="cabinet-plan-picture"),
    path(
        "services/<int:subscription_id>/change",
        cabinet_views.plan_change,
        name="cabinet-plan-change",
    ),
    path("services/<int:subscription_id>/", service_views.service_detail, name="cabinet-service"),
    path(
        "services/<int:subscription_id>/<str:action>",
        service_views.service_action,
        name="cabinet-service-action",
    ),
    path("catalog/<int:plan_id>/order", service_views.service_order, name="cabinet-order"),
    path("pay/", payment_views.top_up, name="cabinet-top-up"),
    path("pay/auto/", auto_top_up_views.auto_top_up, name="cabinet-auto-top-up"),
    path("pay/auto/off", auto_top_up_views.auto_top_up_off, name="cabinet-auto-top-up-off"),
    path(
        "pay/cards/<int:card_id>/delete",
        auto_top_up_views.saved_card_delete,
        name="cabinet-saved-card-delete",
    ),
    path("pay/<uuid:payment_id>/", payment_views.online_payment, name="cabinet-online-payment"),
    path(
        "pay/invoice/<int:document_id>/",
        payment_views.pay_invoice,
        name="cabinet-pay-invoice",
    ),
    path(
        "api/v1/payments/yookassa/notifications",
        YooKassaNotificationApi.as_view(),
        name="api-yookassa-notifications",
    ),
    path("api/v1/payments/stripe/webhook", StripeWebhookApi.as_view(), name="api-stripe-webhook"),
    path(
        "pay/<uuid:payment_id>/cancel",
        payment_views.online_payment_cancel,
        name="cabinet-online-payment-cancel",
    ),
    path("promised-payment/", service_views.promised_payment, name="cabinet-promised-payment"),
    path("manage/", console_views.manage_home, name="console-manage-home"),
    path("manage/sync/", console_views.manage_sync, name="console-manage-sync"),
    path("manage/clients/", console_views.manage_clients, name="console-manage-clients"),
    path("manage/catalog/", console_views.manage_catalog, name="console-manage-catalog"),
    path("manage/payments/", gateway_views.manage_payments, name="console-manage-payments"),
    path(
        "manage/payments/<uuid:payment_id>/",
        refund_views.manage_payment,
        name="console-manage-payment",
    ),
    path(
        "manage/payments/gateway",
        gateway_views.manage_payment_gateway,
        name="console-manage-payment-gateway",
    ),
    path("manage/catalog/<int:plan_id>", console_views.manage_plan, name="console-manage-plan"),
    path(
        "manage/announcements/",
        console_views.manage_announcements,
        name="console-manage-announcements",
    ),
    path(
        "manage/announcements/new",
        console_views.manage_announcement_edit,
        name="console-manage-announcement-new",
    ),
    path(
        "manage/announcements/<int:announcement_id>",
        console_views.manage_announcement_edit,
        name="console-manage-announcement-edit",
    ),
    path(
        "manage/clients/<int:account_id>/invite",
        console_views.manage_client_invite,
        name="console-manage-client-invite",
    ),
    path(
        "manage/clients/invite-all",
        console_views.manage_clients_invite_all,
        name="console-manage-clients-invite-all",
    ),
    path("manage/imports/", console_views.manage_imports, name="console-manage-imports"),
    path(
        "manage/imports/<uuid:import_id>/",
        console_views.manage_import,
        name="console-manage-import",
    ),
    path("manage/domains/", domain_views.manage_domains, name="console-manage-domains"),
    path("manage/audit/", audit_views.manage_audit, name="console-manage-audit"),
    path("manage/modules/", module_views.manage_modules, name="console-manage-modules"),
    path("manage/branding/", branding_console.manage_branding, name="console-manage-branding"),
    path(
        "manage/branding/publish",
        branding_console.manage_branding_publish,
        name="console-manage-branding-publish",
    ),
    path(
        "manage/branding/versions/<int:number>/restore",
        branding_console.manage_branding_restore,
        name="console-manage-branding-restore",
    ),
    path(
        "manage/branding/owners",
        branding_console.manage_brand_owners,
        name="console-manage-brand-owners",
    ),
    path(
        "manage/branding/preview",
        branding_console.manage_branding_preview,
        name="console-manage-branding-preview",
    ),
    path("theme-<str:version>.css", branding_views.theme_css, name="branding-theme-css"),
    path("brand/<str:name>", branding_views.asset, name="branding-asset"),
    path("theme", branding_views.theme_choose, name="branding-theme-choose"),
    path("legal/accept", legal_views.legal_accept_page, name="branding-legal-accept"),
    path("legal/<str:kind>/", legal_views.legal_page, name="branding-legal"),
    path("legal/<str:kind>/v<int:version>/", legal_views.legal_page, name="branding-legal-version"),
    path("manage/legal/", console_legal.manage_legal, name="console-manage-legal"),
    path("manifest.webmanifest", branding_views.manifest, name="branding-manifest"),
    path("api/v1/me", CurrentUserGetApi.as_view(), name="api-me-get"),
    path("api/v1/openapi.yaml", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/tokens", TokenCreateApi.as_view(), name="api-tokens-create"),
    path("api/v1/tokens/current", TokenDeleteApi.as_view(), name="api-tokens-delete"),
    path("api/v1/accounts", client_api.AccountListApi.as_view(), name="api-accounts-list"),
    path(
        "api/v1/accounts/<int:account_id>",
        client_api.AccountGetApi.as_view(),
        name="api-accounts-get",
    ),
    path(
        "api/v1/accounts/<int:account_id>/services",
        client_api.ServiceListApi.as_view(),
        name="api-services-list",
    ),
    path(
        "api/v1/accounts/<int:account_id>/services/<int:subscription_id>/actions",
        service_changes_api.ServiceActionApi.as_view(),
        name="api-service-actions-create",
    ),
    path(
        "api/v1/accounts/<int:account_id>/catalog",
        service_changes_api.CatalogListApi.as_view(),
        name="api-catalog-list",
    ),
    path(
        "api/v1/accounts/<int:account_id>/orders",
        service_changes_api.OrderApi.as_view(),
        name="api-orders-create",
    ),
    path(
        "api/v1/accounts/<int:account_id>/promised-payment",
        service_changes_api.PromisedPaymentApi.as_view(),
        name="api-promised-payment-create",
    ),
    path(
        "api/v1/accounts/<int:account_id>/services/<int:subscription_id>/plan-change",
        client_api.PlanChangeApi.as_view(),
        name="api-plan-change-create",
    ),
    path(
        "api/v1/accounts/<int:account_id>/usage",
        client_api.UsageGetApi.as_view(),
        name="api-usage-get",
    ),
    path(
        "api/v1/accounts/<int:account_id>/documents",
        client_api.DocumentListApi.as_view(),
        name="api-documents-list",
    ),
    path(
        "api/v1/accounts/<int:account_id>/documents/<int:document_id>/file",
        client_api.DocumentFileApi.as_view(),
        name="api-documents-file",
    ),
    path(
        "api/v1/accounts/<int:account_id>/payments",
        client_api.PaymentListApi.as_view(),
        name="api-payments-list",
    ),
    path("api/v1/imports", ExchangeFileImportApi.as_view(), name="api-imports-create"),
    path("api/v1/imports/<uuid:import_id>", ExchangeImportGetApi.as_view(), name="api-imports-get"),
    path(
        "api/v1/billing/events", BillingEventReceiveApi.as_view(), name="api-billing-events-receive"
    ),
    path("health", health, name="health"),
    path("", include("tenants.users.urls")),
]
