"""The brandbook's contacts: support phone, e-mail and chat, social links and the legal line,
checked as given and shown at the foot of every page of the provider's own portal."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import schema_context

from branding.selectors import brandbook_get
from branding.services import brandbook_publish, brandbook_update
from tests.conftest import host_of

CONTACTS = {
    "legal_footer": "ООО «Альфа-Связь», лицензия № 176543\nМосква, ул. Льва Толстого, 16",
    "support_phone": "+7 800 555-35-35",
    "support_email": "help@alpha.example",
    "support_chat_url": "https://chat.alpha.example/",
    "social_links": "https://vk.com/alpha\nhttps://t.me/alpha",
}


def test_contacts_show_at_the_foot_of_the_providers_pages_only(db, provider_a, provider_b):
    with schema_context(provider_a.schema_name):
        brandbook_update(**CONTACTS)
        brandbook_publish(user=None, mode="site")

    alpha = Client(HTTP_HOST=host_of(provider_a)).get("/login").content.decode()
    bravo = Client(HTTP_HOST=host_of(provider_b)).get("/login").content.decode()

    footer = alpha[alpha.index('<footer class="footer">') :]
    assert 'href="tel:+78005553535"' in footer
    assert 'href="mailto:help@alpha.example"' in footer
    assert 'href="https://chat.alpha.example/"' in footer
    assert '<a href="https://vk.com/alpha" rel="noopener">VK</a>' in footer
    assert '<a href="https://t.me/alpha" rel="noopener">Telegram</a>' in footer
    assert "лицензия № 176543<br>Москва" in footer
    assert "help@alpha.example" not in bravo
    assert "© Bravo Hosting" in bravo


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"support_phone": "call us"}, "support_phone"),
        ({"support_phone": "+7 800"}, "support_phone"),
        ({"support_email": "help-at-alpha"}, "support_email"),
        ({"support_chat_url": "http://chat.alpha.example/"}, "support_chat_url"),
        ({"support_chat_url": "javascript:alert(1)"}, "support_chat_url"),
        ({"social_links": "https://evil.example/alpha"}, "social_links"),
        ({"social_links": "vk.com/alpha"}, "social_links"),
        ({"social_links": "\n".join(f"https://vk.com/a{n}" for n in range(9))}, "social_links"),
        ({"legal_footer": "x" * 1001}, "legal_footer"),
    ],
)
def test_a_bad_contact_names_its_field_and_changes_nothing(db, provider_a, change, field):
    with schema_context(provider_a.schema_name):
        brandbook_update(**CONTACTS)
        with pytest.raises(ValidationError) as refused:
            brandbook_update(**change)
        after = brandbook_get()

    assert list(refused.value.message_dict) == [field]
    assert after.support_phone == CONTACTS["support_phone"]
    assert [link["network"] for link in after.social_links] == ["VK", "Telegram"]
