from django.db.models import QuerySet

from tenants.models import Provider
from tenants.users.models import Role, User


def provider_list_for(*, user: User) -> QuerySet[Provider]:
    """The providers a platform user may see: all for operators, its own for reseller staff."""
    providers = Provider.objects.select_related("reseller").prefetch_related("domains")
    if user.role == Role.OPERATOR:
        return providers
    membership = getattr(user, "reseller_membership", None)
    if user.role == Role.RESELLER and membership is not None:
        return providers.filter(reseller_id=membership.reseller_id)
    return providers.none()
