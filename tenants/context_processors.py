from django.http import HttpRequest


def provider(request: HttpRequest) -> dict:
    return {"provider": getattr(request, "provider", None)}
