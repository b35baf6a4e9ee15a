"""How clients reach the provider, as the brandbook gives it: support phone, e-mail and chat, and
links to the provider's pages on social networks, each checked and shown with its network's
name."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

PHONE = re.compile(r"^\+?[0-9 ()\-]{5,30}$")
# Social networks by their hosts, with the name shown on the link.
NETWORKS = {
    "vk.com": "VK",
    "t.me": "Telegram",
    "telegram.me": "Telegram",
    "wa.me": "WhatsApp",
    "ok.ru": "OK",
    "dzen.ru": "Dzen",
    "rutube.ru": "Rutube",
    "youtube.com": "YouTube",
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "linkedin.com": "LinkedIn",
    "x.com": "X",
    "twitter.com": "X",
}
MAX_SOCIAL_LINKS = 8
_https = URLValidator(schemes=["https"])


def phone(value: str) -> str:
    value = value.strip()
    digits = sum(character.isdigit() for character in value)
    if value and (not PHONE.match(value) or not 5 <= digits <= 15):
        raise ValidationError(_("Give a phone number, e.g. +7 800 555-35-35."))
    return value


def https_url(value: str) -> str:
    value = value.strip()
    if value:
        try:
            _https(value)
        except ValidationError:
            raise ValidationError(_("Give an address starting with https://.")) from None
    return value


def social_links(lines: str | list) -> list[dict[str, str]]:
    """Links, one address per line (or as stored), each with its network's name."""
    if isinstance(lines, list):
        lines = "\n".join(str(item.get("url", "")) for item in lines if isinstance(item, dict))
    addresses = [line.strip() for line in str(lines).splitlines() if line.strip()]
    if len(addresses) > MAX_SOCIAL_LINKS:
        raise ValidationError(_("Give at most %(count)s links.") % {"count": MAX_SOCIAL_LINKS})
    links = []
    for number, address in enumerate(addresses, start=1):
        try:
            https_url(address)
        except ValidationError:
            raise ValidationError(
                _("Line %(line)s: give an address starting with https://.") % {"line": number}
            ) from None
        host = (urlsplit(address).hostname or "").removeprefix("www.").removeprefix("m.")
        network = NETWORKS.get(host)
        if network is None:
            raise ValidationError(
                _("Line %(line)s: %(host)s is not a social network Kabinet knows (%(known)s).")
                % {"line": number, "host": host, "known": ", ".join(sorted(set(NETWORKS)))}
            )
        links.append({"network": network, "url": address})
    return links
