"""Custom domains: claimed by a provider's admin, proven with a TXT record that a real DNS server
(a local one, over UDP) answers, then served; the others lead to the primary one; look-alikes,
taken and invalid names are refused."""

import socket
import threading
from collections.abc import Iterator

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_tenants.utils import schema_context

from tenants.domains import challenge_of
from tenants.hosts import canonical_host
from tenants.models import Domain, DomainClaim
from tenants.users.models import Role, User
from tests.cabinet.test_home import browser_for
from tests.conftest import host_of, make_user


class DnsServer:
    """Answers TXT questions from `records` (name → values); NXDOMAIN for anything else."""

    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.socket.recvfrom(4096)
                self.socket.sendto(self._answer(data), peer)
            except OSError:  # closed
                return

    def _answer(self, data: bytes) -> bytes:
        query = dns.message.from_wire(data)
        answer = dns.message.make_response(query)
        question = query.question[0]
        values = self.records.get(question.name.to_text().rstrip("."))
        if values and question.rdtype == dns.rdatatype.TXT:
            quoted = [f'"{value}"' for value in values]
            answer.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted))
        elif not values:
            answer.set_rcode(dns.rcode.NXDOMAIN)
        return answer.to_wire()

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def dns_server(settings) -> Iterator[DnsServer]:
    server = DnsServer()
    settings.DNS_NAMESERVERS = [f"127.0.0.1#{server.port}"]
    settings.DNS_TIMEOUT_SECONDS = 2
    yield server
    server.close()


@pytest.fixture
def admin_browser(provider_a) -> Client:
    """Provider A's administrator, who reads the console in English."""
    admin = make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test")
    with schema_context(provider_a.schema_name):
        User.objects.filter(pk=admin.user.pk).update(language="en")
    return browser_for(admin)


def claim(browser: Client, name: str):
    return browser.post("/manage/domains/", {"action": "claim", "domain": name})


def test_a_domain_answers_once_its_txt_record_is_seen(db, provider_a, admin_browser, dns_server):
    claimed = claim(admin_browser, "Кабинет.Пример.РФ")
    pending = DomainClaim.objects.get(provider=provider_a)
    before = Client(HTTP_HOST="кабинет.пример.рф").get("/login")
    not_yet = admin_browser.post(
        "/manage/domains/", {"action": "check", "domain": pending.domain}, follow=True
    )
    challenge = challenge_of(pending)
    dns_server.records[challenge.name] = ["v=spf1 -all", challenge.value]
    admin_browser.post("/manage/domains/", {"action": "check", "domain": pending.domain})

    assert claimed.status_code == 302
    assert pending.domain == canonical_host("кабинет.пример.рф")
    assert challenge.name == f"_kabinet-challenge.{pending.domain}"
    assert before.status_code == 404
    assert "TXT" in not_yet.content.decode()
    assert not DomainClaim.objects.exists()
    assert Domain.objects.filter(tenant=provider_a, domain=pending.domain).exists()
    led = Client(HTTP_HOST="кабинет.пример.рф").get("/login")
    assert (led.status_code, led["Location"]) == (301, f"http://{host_of(provider_a)}/login")
    admin_browser.post("/manage/domains/", {"action": "primary", "domain": pending.domain})
    assert Client(HTTP_HOST="кабинет.пример.рф").get("/login").status_code == 200


def test_a_wrong_record_or_a_silent_dns_proves_nothing(db, provider_a, admin_browser, settings):
    claim(admin_browser, "my.alpha-telecom.example")
    pending = DomainClaim.objects.get()
    server = DnsServer()
    try:
        settings.DNS_NAMESERVERS = [f"127.0.0.1#{server.port}"]
        server.records[challenge_of(pending).name] = ["kabinet-verify=someone-elses"]
        wrong = admin_browser.post(
            "/manage/domains/", {"action": "check", "domain": pending.domain}, follow=True
        )
    finally:
        server.close()
    settings.DNS_TIMEOUT_SECONDS = 0.5
    silent = admin_browser.post(
        "/manage/domains/", {"action": "check", "domain": pending.domain}, follow=True
    )

    assert wrong.status_code == silent.status_code == 200
    assert not Domain.objects.filter(domain=pending.domain).exists()
    assert DomainClaim.objects.get().last_error


def test_other_domains_lead_to_the_primary_and_the_platform_one_always_answers(
    db, provider_a, admin_browser
):
    platform_host = host_of(provider_a)
    for host in ("lk.alpha.example", "old.alpha.example"):
        Domain.objects.create(tenant=provider_a, domain=host, is_primary=False)
    admin_browser.post("/manage/domains/", {"action": "primary", "domain": "lk.alpha.example"})

    old = Client(HTTP_HOST="old.alpha.example").get("/pay/?amount=5")
    platform = Client(HTTP_HOST=platform_host).get("/login")
    primary = Client(HTTP_HOST="lk.alpha.example").get("/login")

    assert (old.status_code, old["Location"]) == (301, "http://lk.alpha.example/pay/?amount=5")
    assert (platform.status_code, primary.status_code) == (200, 200)


def test_removing_the_primary_hands_it_back_to_the_platform_subdomain(
    db, provider_a, admin_browser
):
    platform_host = host_of(provider_a)
    Domain.objects.create(tenant=provider_a, domain="lk.alpha.example", is_primary=True)

    admin_browser.defaults["HTTP_HOST"] = platform_host
    admin_browser.post("/manage/domains/", {"action": "remove", "domain": "lk.alpha.example"})
    refused = admin_browser.post(
        "/manage/domains/", {"action": "remove", "domain": platform_host}, follow=True
    )

    assert Domain.objects.get(tenant=provider_a).domain == platform_host
    assert Domain.objects.get(tenant=provider_a).is_primary
    assert refused.status_code == 200


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("not a domain", "cabinet.example.com"),
        ("localhost", "cabinet.example.com"),
        ("10.0.0.1", "cabinet.example.com"),
        ("xn--zz.example", "cabinet.example.com"),
        ("bravo.platform.test", "platform"),
        ("аlpha.example", "alphabets"),  # Cyrillic а, Latin lpha
        ("taken.example", "in use"),
        ("bravо.example", "alphabets"),
        ("соре.example", "another provider"),  # all Cyrillic, reads as cope.example
    ],
)
def test_bad_taken_and_look_alike_names_are_refused(
    db, provider_a, provider_b, admin_browser, name, why
):
    Domain.objects.create(tenant=provider_b, domain="taken.example", is_primary=False)
    Domain.objects.create(tenant=provider_b, domain="bravo.example", is_primary=False)
    Domain.objects.create(tenant=provider_b, domain="cope.example", is_primary=False)

    answer = claim(admin_browser, name)

    assert answer.status_code == 400
    html = answer.content.decode()
    field = html[html.index('id="id_domain"') :]
    assert why in field[: field.index("</div>")]
    assert not DomainClaim.objects.exists()


def test_clients_and_other_providers_cannot_touch_domains(db, provider_a, provider_b):
    Domain.objects.create(tenant=provider_b, domain="bravo.example", is_primary=False)
    client = browser_for(make_user(provider_a, Role.CLIENT, "client@alpha.test"))
    admin_a = browser_for(make_user(provider_a, Role.PROVIDER_ADMIN, "admin@alpha.test"))

    by_client = client.post("/manage/domains/", {"action": "claim", "domain": "x.example"})
    bs_domain = admin_a.post("/manage/domains/", {"action": "remove", "domain": "bravo.example"})
    bs_primary = admin_a.post("/manage/domains/", {"action": "primary", "domain": "bravo.example"})

    assert by_client.status_code in (302, 403)
    assert (bs_domain.status_code, bs_primary.status_code) == (302, 302)
    bravo = Domain.objects.get(domain="bravo.example")
    assert (bravo.tenant_id, bravo.is_primary) == (provider_b.pk, False)
    assert not DomainClaim.objects.exists()


def test_an_operator_vouches_for_a_domain_without_the_record(db, provider_a, admin_browser):
    claim(admin_browser, "lk.alpha.example")

    call_command("domain_vouch", "LK.alpha.example")

    assert Domain.objects.filter(tenant=provider_a, domain="lk.alpha.example").exists()
    with pytest.raises(CommandError):
        call_command("domain_vouch", "nobody.example")


def test_the_proxy_gets_certificates_only_for_served_names(db, provider_a, platform_browser):
    Domain.objects.create(tenant=provider_a, domain="lk.alpha.example", is_primary=False)
    DomainClaim.objects.create(provider=provider_a, domain="pending.example", token="t")

    def asked(name: str) -> int:
        return platform_browser.get("/tls/allowed", {"domain": name}).status_code

    assert asked("lk.alpha.example") == 200
    assert asked(host_of(provider_a)) == 200
    assert asked("pending.example") == 404
    assert asked("evil.example") == 404
    assert asked("") == 404


@pytest.mark.parametrize(
    ("theirs", "mine"),
    [
        ("paypal.example", "раураӏ.example"),
        ("ok.example", "ок.example"),
        ("ok.example", "οκ.example"),
        ("accept.example", "ассерт.example"),
        ("lil.example", "ӏіӏ.example"),
    ],
)
def test_whole_script_look_alikes_are_refused(db, provider_b, admin_browser, theirs, mine):
    Domain.objects.create(tenant=provider_b, domain=theirs, is_primary=False)

    assert claim(admin_browser, mine).status_code == 400
    assert not DomainClaim.objects.exists()


def test_a_look_alike_claimed_before_the_original_was_proven_is_not_let_in(
    db, provider_a, provider_b, admin_browser
):
    claim(admin_browser, "соре.example")  # all Cyrillic; nobody has cope.example yet
    twin = DomainClaim.objects.get(provider=provider_a)
    Domain.objects.create(tenant=provider_b, domain="cope.example", is_primary=False)

    admin_browser.post("/manage/domains/", {"action": "check", "domain": twin.domain})

    assert not Domain.objects.filter(tenant=provider_a, domain=twin.domain).exists()
    assert "another provider" in DomainClaim.objects.get(pk=twin.pk).last_error
