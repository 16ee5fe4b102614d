"""HTTP security helpers: the client's address behind reverse proxies, the Permissions-Policy."""

from django.conf import settings


def client_ip(request):
    """The address the request came from, as the outermost trusted proxy saw it.

    Each trusted proxy (settings.TRUSTED_PROXIES of them) appends the address it received the
    request from to X-Forwarded-For, so the client's address is that many entries from the
    right. Entries further left were written by the client and could be anything. Without
    proxies, or when the header is shorter than it must be, the connection's own address counts.
    Login lockouts key on this address, so a wrong setting would either let an attacker pick a
    fresh address for each attempt or make every visitor share the proxy's.
    """
    proxies = settings.TRUSTED_PROXIES
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class PermissionsPolicyMiddleware:
    """Adds settings.PERMISSIONS_POLICY to every response (Django 5.2 has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
