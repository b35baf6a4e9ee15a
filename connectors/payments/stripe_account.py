"""One provider's Stripe account.

Every provider gets its own `stripe.StripeClient`: its own secret key, its own HTTP client with
this installation's timeout, and no retries of its own (the idempotency keys are Kabinet's, made
from its own records). Nothing is set on the `stripe` module, which every provider in the process
shares.
"""

from typing import Any

import stripe

from connectors.errors import BadResponse, Rejected, Unavailable


class Declined(Rejected):
    """The card was declined; `code` is Stripe's decline code (insufficient_funds, …)."""


class StripeAccount:
    def __init__(self, *, secret_key: str, api_url: str, timeout: float) -> None:
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_url.rstrip("/")},
            http_client=stripe.RequestsClient(timeout=timeout),
            max_network_retries=0,
        )
        self._api_url = api_url

    def __repr__(self) -> str:
        return f"StripeAccount(at {self._api_url})"  # never the secret key

    def create_checkout(self, params: dict[str, Any], *, idempotency_key: str) -> Any:
        return self._call(
            lambda: self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )

    def find_checkout(self, session_id: str) -> Any:
        """The Checkout Session with its PaymentIntent expanded."""
        _plain(session_id)
        return self._call(
            lambda: self._client.v1.checkout.sessions.retrieve(
                session_id, params={"expand": ["payment_intent"]}
            )
        )

    def expire_checkout(self, session_id: str) -> Any:
        _plain(session_id)
        return self._call(lambda: self._client.v1.checkout.sessions.expire(session_id))

    def create_customer(self, params: dict[str, Any], *, idempotency_key: str) -> Any:
        return self._call(
            lambda: self._client.v1.customers.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )

    def find_payment_method(self, payment_method_id: str) -> Any:
        _plain(payment_method_id)
        return self._call(lambda: self._client.v1.payment_methods.retrieve(payment_method_id))

    def detach_payment_method(self, payment_method_id: str) -> Any:
        _plain(payment_method_id)
        return self._call(lambda: self._client.v1.payment_methods.detach(payment_method_id))

    def charge_saved(self, params: dict[str, Any], *, idempotency_key: str) -> Any:
        """Charge a saved card with nobody at the keyboard; a declined card raises Declined."""
        body = {**params, "off_session": True, "confirm": True}
        return self._call(
            lambda: self._client.v1.payment_intents.create(
                params=body,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )

    def find_payment_intent(self, payment_intent_id: str) -> Any:
        _plain(payment_intent_id)
        return self._call(lambda: self._client.v1.payment_intents.retrieve(payment_intent_id))

    def refund(self, params: dict[str, Any], *, idempotency_key: str) -> Any:
        return self._call(
            lambda: self._client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )

    def read_event(self, raw_body: bytes, signature: str, webhook_secret: str) -> Any:
        """The event, if `signature` is Stripe's over exactly this body with this secret and is
        fresh; ValueError otherwise."""
        try:
            return self._client.construct_event(raw_body, signature, webhook_secret)
        except stripe.SignatureVerificationError as error:
            raise ValueError("the signature does not match") from error

    @staticmethod
    def _call(request: Any) -> Any:
        try:
            return request()
        except stripe.CardError as error:
            details = error.error
            decline = (details.decline_code if details else None) or error.code or ""
            raise Declined(
                f"Stripe declined the card: {decline}", status=402, code=decline or "declined"
            ) from None
        except stripe.APIConnectionError as error:
            raise Unavailable(f"Stripe did not answer: {type(error).__name__}") from None
        except stripe.IdempotencyError:
            # Another request with this key is still at Stripe: its answer is the answer.
            raise Unavailable("Stripe is still answering a request with this key") from None
        except (stripe.AuthenticationError, stripe.PermissionError) as error:
            raise Rejected("Stripe refused the key", status=error.http_status or 401) from None
        except stripe.InvalidRequestError as error:
            raise Rejected(
                f"Stripe refused: {error.user_message or ''}"[:500],
                status=error.http_status or 400,
                code=str(error.code or ""),
            ) from None
        except stripe.StripeError as error:
            status = error.http_status or 500
            if status >= 500 or status == 429:
                raise Unavailable(f"Stripe answered {status}") from None
            raise BadResponse(f"Stripe answered {status}") from None


def _plain(identifier: str) -> None:
    if not identifier or not identifier.replace("_", "").isalnum():
        raise ValueError("a Stripe id is a plain identifier")
