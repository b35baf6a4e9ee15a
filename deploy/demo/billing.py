"""The demo providers' billing systems: simulator instances seeded from real-format files.

Связь-Телеком's internet usage is the genuine FreeRADIUS data (40 subscribers, two months) and
its phone usage the Asterisk CDRs; Alpine Hosting has companies with invoices and payments.
"""

import csv
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from connectors.billing.files import AsteriskCdrParser, RadacctCsvParser
from connectors.billing.types import UsageRecordData

DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2026, 12, 3, tzinfo=UTC)
FIRST_NAMES = ["Иван", "Мария", "Алексей", "Ольга", "Дмитрий", "Елена", "Сергей", "Анна"]
LAST_NAMES = [
    "Иванов",
    "Смирнова",
    "Кузнецов",
    "Попова",
    "Васильев",
    "Петрова",
    "Соколов",
    "Михайлова",
    "Новиков",
    "Фёдорова",
]
PROFILE_PLANS = {
    "light": "tp:home-50",
    "regular": "tp:home-100",
    "heavy_pppoe": "tp:home-500",
    "heavy_ipoe": "tp:home-500",
    "always_on": "tp:home-500",
}


def admin(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Call a local sandbox's admin API: the billing simulator's or a payment sandbox's (demo
    set-up only, always on this machine)."""
    request = urllib.request.Request(
        f"{base_url}/_admin{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def money(value: Decimal | str, currency: str) -> dict:
    return {"value": f"{Decimal(value):.2f}", "currency": currency}


def _usage(record: UsageRecordData, account_id: str, subscription_id: str) -> dict:
    return {
        "id": record.source_key,
        "account_id": account_id,
        "subscription_id": subscription_id,
        "metric": record.metric,
        "unit": record.unit,
        "quantity": str(record.quantity),
        "direction": record.direction.value if record.direction else None,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "source": {"type": record.source_type, "ref": record.source_key},
        "attributes": {key: str(value) for key, value in record.attributes.items()},
    }


def isp_seed() -> dict:
    rub = "RUB"
    plans = [
        {
            "id": "tp:home-50",
            "code": "home50",
            "name": "Домашний 50",
            "service_type": "internet",
            "price": {"recurring": money("450", rub), "period": "month"},
            "self_service": True,
            "attributes": {"speed_down_kbps": 50000},
        },
        {
            "id": "tp:home-100",
            "code": "home100",
            "name": "Домашний 100",
            "service_type": "internet",
            "price": {"recurring": money("650", rub), "period": "month"},
            "self_service": True,
            "attributes": {"speed_down_kbps": 100000},
        },
        {
            "id": "tp:home-500",
            "code": "home500",
            "name": "Домашний 500",
            "service_type": "internet",
            "price": {"recurring": money("950", rub), "period": "month"},
            "self_service": True,
            "attributes": {"speed_down_kbps": 500000},
        },
        {
            # Open to clients and held by none: the catalog offers to order it.
            "id": "tp:tv",
            "code": "tv",
            "name": "Цифровое ТВ",
            "service_type": "tv",
            "price": {"recurring": money("299", rub), "period": "month"},
            "self_service": True,
        },
        {
            "id": "tp:phone",
            "code": "phone",
            "name": "Домашний телефон",
            "service_type": "voip",
            "price": {"recurring": money("200", rub), "period": "month"},
            "unit_rates": [{"metric": "calls", "unit": "min", "price": money("1.50", rub)}],
        },
    ]
    with (DATA / "freeradius" / "subscribers.csv").open(newline="") as file:
        subscribers = list(csv.DictReader(file))
    with (DATA / "asterisk" / "Master.csv").open("rb") as file:
        calls = list(AsteriskCdrParser(file, now=NOW).records())
    numbers = sorted({call.account_ref for call in calls})
    accounts, subscriptions, documents, payments = [], [], [], []
    phone_of: dict[str, str] = {}
    for index, row in enumerate(subscribers):
        account_id = f"acc:{row['username']}"
        name = f"{LAST_NAMES[index % 10]} {FIRST_NAMES[index % 8]}"
        balance = Decimal((index * 137) % 2000 - 300)
        accounts.append(
            {
                "id": account_id,
                "number": f"СТ-{10000 + index}",
                "status": "active",
                "holder": {"type": "person", "name": name},
                "contacts": {
                    "email": f"{row['username']}@mail.example",
                    "phone": f"+7999{index:07d}",
                },
                "balance": money(balance, rub),
                "credit_limit": money("300", rub),
                "recommended_payment": money(max(Decimal(0), Decimal(650) - balance), rub),
            }
        )
        subscriptions.append(
            {
                "id": f"svc:inet:{row['username']}",
                "account_id": account_id,
                "plan_id": PROFILE_PLANS[row["profile"]],
                "status": "active",
                "started_at": "2025-06-01T00:00:00+03:00",
                "identifiers": {"login": row["username"], "ip": row["static_ip"] or None},
            }
        )
        if index < len(numbers):
            phone_of[numbers[index]] = account_id
            subscriptions.append(
                {
                    "id": f"svc:phone:{row['username']}",
                    "account_id": account_id,
                    "plan_id": "tp:phone",
                    "status": "active",
                    "started_at": "2023-01-01T00:00:00+03:00",
                    "identifiers": {"msisdn": numbers[index]},
                }
            )
        for month, day in (("10", "31"), ("11", "30")):
            documents.append(
                {
                    "id": f"doc:{row['username']}:{month}",
                    "account_id": account_id,
                    "kind": "invoice",
                    "number": f"СЧ-{month}-{10000 + index}",
                    "issued_at": f"2026-{month}-{day}T12:00:00+03:00",
                    "status": "issued",
                    "total": money("650", rub),
                    "vat": money("108.33", rub),
                }
            )
        payments.append(
            {
                "id": f"pay:{row['username']}:11",
                "account_id": account_id,
                "amount": money("650", rub),
                "method": "card",
                "posted_at": "2026-11-05T10:00:00+03:00",
            }
        )
    with (DATA / "freeradius" / "radacct.csv").open("rb") as file:
        usage = [
            _usage(record, f"acc:{record.account_ref}", f"svc:inet:{record.account_ref}")
            for record in RadacctCsvParser(file, now=NOW).records()
        ]
    usage += [
        _usage(
            call,
            phone_of[call.account_ref],
            f"svc:phone:{phone_of[call.account_ref].removeprefix('acc:')}",
        )
        for call in calls
        if call.account_ref in phone_of
    ]
    return {
        "plans": plans,
        "accounts": accounts,
        "subscriptions": subscriptions,
        "documents": documents,
        "payments": payments,
        "usage": usage,
        "emit_events": False,
    }


COMPANIES = [
    ("Brenner Logistik GmbH", "Hafenstraße 12, 20457 Hamburg"),
    ("Kaiser & Sohn Architekten", "Leopoldstraße 8, 80802 München"),
    ("Nordlicht Software AG", "Friedrichstraße 100, 10117 Berlin"),
    ("Alpenmilch eG", "Bahnhofplatz 3, 87629 Füssen"),
    ("Rheinwerk Medien GmbH", "Mediapark 5, 50670 Köln"),
    ("Weber Zahntechnik", "Marktplatz 1, 69117 Heidelberg"),
]


def hosting_seed() -> dict:
    eur = "EUR"
    plans = [
        {
            "id": f"tp:vps-{size}",
            "code": f"vps-{size}",
            "name": f"VPS {size.upper()}",
            "service_type": "hosting",
            "price": {"recurring": money(price, eur), "period": "month"},
            "self_service": True,
            "attributes": {"vcpu": cpu, "ram_gb": ram},
        }
        for size, price, cpu, ram in (("s", "9", 1, 2), ("m", "19", 2, 4), ("l", "39", 4, 8))
    ] + [
        {
            "id": "tp:backup",
            "code": "backup",
            "name": "Backup storage",
            "service_type": "hosting",
            "price": {"recurring": money("0", eur), "period": "month"},
            "unit_rates": [{"metric": "storage", "unit": "GB", "price": money("0.05", eur)}],
        },
    ]
    prices = {"tp:vps-s": Decimal(9), "tp:vps-m": Decimal(19), "tp:vps-l": Decimal(39)}
    accounts, subscriptions, documents, payments = [], [], [], []
    for index, (name, address) in enumerate(COMPANIES):
        account_id = f"cust:{1001 + index}"
        chosen = ["tp:vps-s", "tp:vps-m", "tp:vps-l"][: 1 + index % 3]
        monthly = sum((prices[plan] for plan in chosen), Decimal(0))
        accounts.append(
            {
                "id": account_id,
                "number": f"AH-{1001 + index}",
                "status": "active",
                "holder": {"type": "organization", "name": name, "legal_address": address},
                "contacts": {"email": f"billing{index}@customer.example"},
                "address": address,
                "balance": money(-monthly if index % 2 else Decimal(0), eur),
                "credit_limit": money("500", eur),
            }
        )
        for number, plan in enumerate([*chosen, "tp:backup"]):
            subscriptions.append(
                {
                    "id": f"svc:{1001 + index}:{number}",
                    "account_id": account_id,
                    "plan_id": plan,
                    "status": "active",
                    "started_at": "2025-01-15T09:00:00+01:00",
                    "identifiers": {"hostname": f"srv{number}.c{1001 + index}.alpine.example"},
                }
            )
        for month, day in (("09", "30"), ("10", "31"), ("11", "30")):
            vat = (monthly * Decimal("0.19")).quantize(Decimal("0.01"))
            for kind, prefix in (("invoice", "INV"), ("act", "SRV")):
                documents.append(
                    {
                        "id": f"doc:{prefix}:{1001 + index}:{month}",
                        "account_id": account_id,
                        "kind": kind,
                        "number": f"{prefix}-2026{month}-{1001 + index}",
                        "issued_at": f"2026-{month}-{day}T10:00:00+01:00",
                        "status": "paid" if month != "11" or index % 2 == 0 else "issued",
                        "total": money(monthly + vat, eur),
                        "vat": money(vat, eur),
                    }
                )
            if month != "11" or index % 2 == 0:
                payments.append(
                    {
                        "id": f"pay:{1001 + index}:{month}",
                        "account_id": account_id,
                        "amount": money(monthly + vat, eur),
                        "method": "bank_transfer",
                        "posted_at": f"2026-{month}-{day}T15:00:00+01:00",
                    }
                )
    return {
        "plans": plans,
        "accounts": accounts,
        "subscriptions": subscriptions,
        "documents": documents,
        "payments": payments,
        "usage": [],
        "emit_events": False,
    }


SEEDS = {"isp": isp_seed, "hosting": hosting_seed}
