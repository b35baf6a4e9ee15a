"""Lockout after repeated failed logins (django-axes), counted per login and per address.

Addresses get a much higher limit than logins: an ISP's clients often share one public address
behind carrier-grade NAT, and one forgetful neighbour must not lock out the building.
"""

from http import HTTPStatus
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        # get_user_attempts follows AXES_LOCKOUT_PARAMETERS: ["username", "ip_address"].
        by_login, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Axes compares one number with AXES_FAILURE_LIMIT; scale the address count to it.
        address_share = (
            by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        )
        return max(by_login, address_share)


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"cooloff_minutes": minutes}
    return render(request, "users/locked_out.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)


def client_address(request: HttpRequest) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is the entry of
    X-Forwarded-For that the outermost trusted proxy added; entries further left are whatever
    the client sent and are ignored. Without proxies, the connection's address."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
