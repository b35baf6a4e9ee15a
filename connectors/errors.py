class ConnectorError(Exception):
    """Something went wrong talking to the outside. `retryable` says whether trying again later
    can help (the system was down or slow) or not (it refused the request, or answered garbage)."""

    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class OutboundAddressRefused(ConnectorError):
    """The URL resolves to a loopback, private, link-local or otherwise internal address."""


class Unavailable(ConnectorError):
    """No usable answer: network error, timeout, 5xx."""

    retryable = True


class BadResponse(ConnectorError):
    """An answer that does not follow the contract."""


class Rejected(ConnectorError):
    """The other side understood the request and refused it (4xx).

    Some refusals pass: too many requests, a timeout, credentials being rotated. Those are
    retryable; a write refused for them must wait, not be dropped.
    """

    PASSING_STATUSES = frozenset({401, 403, 408, 425, 429})

    def __init__(self, message: str, *, status: int, code: str = "") -> None:
        super().__init__(message, retryable=status in self.PASSING_STATUSES)
        self.status = status
        self.code = code
