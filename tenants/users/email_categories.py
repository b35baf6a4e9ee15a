"""Which e-mails a user agreed to get. Messages the user needs to use the service (invitations,
codes, password resets, payments, invoices, answers to the user's own requests) always go; the
categories below can be switched off, and offers are sent only to those who switched them on
(advertising by e-mail needs the addressee's consent)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailCategory(models.TextChoices):
    REMINDERS = "reminders", _("Payment reminders and low balance warnings")
    SERVICE_NEWS = (
        "service_news",
        _("Changes made by the provider's office, planned works, outages"),
    )
    STATEMENTS = "statements", _("Monthly statements and usage reports")
    OFFERS = "offers", _("Offers and promotions")


ALWAYS_SENT = (
    _("Invitations, one-time codes and password resets"),
    _("Payments received or failed, invoices issued"),
    _("Answers to the changes you ask for"),
)


def default_email_categories() -> list[str]:
    return [category for category in EmailCategory if category != EmailCategory.OFFERS]


def email_wanted(user: object, category: str) -> bool:
    """Whether `user` gets e-mails of `category` (a value of EmailCategory)."""
    return category in getattr(user, "email_categories", ())
