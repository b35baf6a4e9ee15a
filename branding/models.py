from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branding.fonts import CHOICES as FONT_CHOICES

hex_color = RegexValidator(r"^#[0-9a-f]{6}$", _("Enter a colour as #rrggbb, e.g. #1a73e8."))


class Density(models.TextChoices):
    COMPACT = "compact", _("Compact")
    COMFORTABLE = "comfortable", _("Comfortable")
    SPACIOUS = "spacious", _("Spacious")


class Brandbook(models.Model):
    """The provider's look as staff edit it (the draft). One row per provider schema, seeded by
    the migrations with Kabinet's neutral palette; clients see the newest BrandVersion.

    In the `site` brand mode the theme is derived from the primary colour and, when given, the
    secondary and accent ones; in the `strict` mode `palette` holds the brandbook's exact nine
    colours for each scheme, {"light": {...}, "dark": {...}} (see branding.palette)."""

    singleton = models.BooleanField(default=True, editable=False)
    primary_color = models.CharField(_("primary colour"), max_length=7, validators=[hex_color])
    secondary_color = models.CharField(
        _("secondary colour"), max_length=7, blank=True, validators=[hex_color]
    )
    accent_color = models.CharField(_("accent colour"), max_length=7, validators=[hex_color])
    background_color = models.CharField(
        _("background colour"), max_length=7, validators=[hex_color]
    )
    palette = models.JSONField(_("exact palette"), default=dict, blank=True)
    radius = models.PositiveSmallIntegerField(
        _("corner radius, px"), default=10, validators=[MaxValueValidator(24)]
    )
    density = models.CharField(
        _("density"), max_length=12, choices=Density.choices, default=Density.COMFORTABLE
    )
    font_body = models.CharField(
        _("text font"), max_length=20, choices=FONT_CHOICES, default="system"
    )
    font_heading = models.CharField(
        _("heading font"), max_length=20, choices=FONT_CHOICES, default="system"
    )
    # Shown at the foot of every page: the legal line (company, licence, address) and how to
    # reach support; e-mails to clients start and end with the e-mail header and footer.
    legal_footer = models.TextField(_("legal footer"), blank=True, max_length=1000)
    support_phone = models.CharField(_("support phone"), max_length=32, blank=True)
    support_email = models.EmailField(_("support e-mail"), blank=True)
    support_chat_url = models.URLField(_("support chat"), blank=True)
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    email_header = models.TextField(_("e-mail header"), blank=True, max_length=1000)
    email_footer = models.TextField(_("e-mail footer"), blank=True, max_length=1000)
    # The provider's own CSS as typed; what is served is filtered (branding.custom_css).
    custom_css = models.TextField(_("custom CSS"), blank=True, max_length=20_000)
    # Checked by content before they are stored (branding.uploads); never overwritten, so that
    # every published version keeps its own files.
    logo = models.FileField(_("logo"), upload_to="brand/", blank=True)
    logo_dark = models.FileField(_("logo for the dark scheme"), upload_to="brand/", blank=True)
    favicon = models.FileField(_("favicon"), upload_to="brand/", blank=True)
    app_icon = models.FileField(_("app icon"), upload_to="brand/", blank=True)
    # The provider's own typeface (`own` as a font choice), regular and bold, and its family.
    own_font_regular = models.FileField(_("own font, regular"), upload_to="brand/", blank=True)
    own_font_bold = models.FileField(_("own font, bold"), upload_to="brand/", blank=True)
    own_font_family = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="branding_brandbook_single_row"),
            models.CheckConstraint(
                condition=Q(singleton=True), name="branding_brandbook_singleton"
            ),
        ]

    def __str__(self) -> str:
        return f"brandbook {self.primary_color}"

    def save(self, *args, **kwargs) -> None:
        for field in ("primary_color", "secondary_color", "accent_color", "background_color"):
            setattr(self, field, getattr(self, field).lower())
        super().save(*args, **kwargs)

    def look(self) -> dict:
        """What a published version keeps of the brandbook (images by their files' names)."""
        values = {name: getattr(self, name) for name in LOOK_FIELDS}
        for name in IMAGE_FIELDS:
            values[name] = getattr(self, name).name or ""
        return values


# The brandbook's fields that make up the portal's look, kept whole in each published version.
LOOK_FIELDS = (
    "primary_color",
    "secondary_color",
    "accent_color",
    "background_color",
    "palette",
    "radius",
    "density",
    "font_body",
    "font_heading",
    "custom_css",
    "legal_footer",
    "support_phone",
    "support_email",
    "support_chat_url",
    "social_links",
    "email_header",
    "email_footer",
    "own_font_family",
    "logo",
    "logo_dark",
    "favicon",
    "app_icon",
    "own_font_regular",
    "own_font_bold",
)
IMAGE_FIELDS = ("logo", "logo_dark", "favicon", "app_icon", "own_font_regular", "own_font_bold")


class BrandVersion(models.Model):
    """A published look: what clients see is the newest one. The brandbook itself is the draft
    staff edit; publishing copies it here, and going back to an earlier version publishes that
    one's look again, as a new version. Uploaded files are never overwritten, so every version
    keeps its own logo."""

    number = models.PositiveIntegerField(unique=True)
    look = models.JSONField()
    # Contrast failures a brand owner published anyway (strict brandbooks), as shown to them.
    acknowledged = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        "users.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"look v{self.number}"


class LegalKind(models.TextChoices):
    TERMS = "terms", _("Terms of service")
    PRIVACY = "privacy", _("Privacy policy")
    CONSENT = "consent", _("Consent to the processing of personal data")


class LegalDocument(models.Model):
    """One published version of a provider's legal text. Versions are never changed: a new text
    is a new version, which clients accept again."""

    kind = models.CharField(_("document"), max_length=10, choices=LegalKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), max_length=100_000)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        "users.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="branding_legal_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class LegalAcceptance(models.Model):
    """A client's acceptance of one version, with the moment it was given."""

    user = models.ForeignKey("users.User", on_delete=models.CASCADE, related_name="acceptances")
    document = models.ForeignKey(
        LegalDocument, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="branding_accepted_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.document}"
