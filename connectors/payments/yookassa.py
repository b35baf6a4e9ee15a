"""One provider's YooKassa shop.

Requests are checked and answers parsed by the official SDK's models (`PaymentRequest`,
`PaymentResponse`); the HTTP call is ours, made with this shop's credentials and timeout. The
SDK's own client reads its credentials from class-level `Configuration`, shared by every provider
in the process, and waits without a timeout by default, so it is not used.
"""

from typing import Any

import requests
from yookassa.domain.request import PaymentRequest, RefundRequest
from yookassa.domain.response import PaymentResponse, RefundResponse

from connectors.errors import BadResponse, Rejected, Unavailable


class YooKassaShop:
    def __init__(self, *, shop_id: str, secret_key: str, api_url: str, timeout: float) -> None:
        self._auth = (shop_id, secret_key)
        self._api_url = api_url.rstrip("/")
        self._timeout = timeout
        self._http = requests.Session()

    def __repr__(self) -> str:
        return f"YooKassaShop({self._auth[0]} at {self._api_url})"  # never the secret key

    def create_payment(self, params: dict[str, Any], *, idempotency_key: str) -> PaymentResponse:
        """Create a payment; the same key with the same request gives the same payment back."""
        request = PaymentRequest(params)
        request.validate()
        body = self._call("POST", "/payments", dict(request), {"Idempotence-Key": idempotency_key})
        return PaymentResponse(body)

    def find_payment(self, payment_id: str) -> PaymentResponse:
        if not payment_id or "/" in payment_id:
            raise ValueError("a payment id is a plain identifier")
        return PaymentResponse(self._call("GET", f"/payments/{payment_id}"))

    def refund(self, params: dict[str, Any], *, idempotency_key: str) -> RefundResponse:
        """Give back all or part of a succeeded payment; the same key gives the same refund."""
        request = RefundRequest(params)
        request.validate()
        body = self._call("POST", "/refunds", dict(request), {"Idempotence-Key": idempotency_key})
        return RefundResponse(body)

    def _call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        try:
            response = self._http.request(
                method,
                self._api_url + path,
                json=body,
                headers=headers,
                auth=self._auth,
                timeout=self._timeout,
            )
        except requests.RequestException as error:
            raise Unavailable(f"YooKassa did not answer: {type(error).__name__}") from None
        if response.status_code >= 500:
            raise Unavailable(f"YooKassa answered {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise BadResponse(f"YooKassa answered {response.status_code} without JSON") from None
        if response.status_code != 200:
            detail = data.get("description", "") if isinstance(data, dict) else ""
            raise Rejected(
                f"YooKassa refused: {detail}"[:500],
                status=response.status_code,
                code=str(data.get("code", "")) if isinstance(data, dict) else "",
            )
        if not isinstance(data, dict):
            raise BadResponse("YooKassa answered something other than an object")
        return data
