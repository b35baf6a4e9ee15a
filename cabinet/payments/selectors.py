"""Online payments as provider staff look at them."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from cabinet.payments.models import OnlinePayment


def online_payments_for_staff(
    *, zone: ZoneInfo, status: str, since: date | None, until: date | None, search: str
) -> QuerySet[OnlinePayment]:
    """Newest first, filtered by status, the provider's days `since`..`until` and a contract
    number, holder or gateway id fragment; the account comes in the same query."""
    rows = OnlinePayment.objects.select_related("account", "document").order_by("-created_at")
    if status:
        rows = rows.filter(status=status)
    if since:
        rows = rows.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        rows = rows.filter(created_at__lt=end)
    if search:
        rows = rows.filter(
            Q(account__number__icontains=search)
            | Q(account__holder_name__icontains=search)
            | Q(gateway_payment_id__icontains=search)
        )
    return rows
