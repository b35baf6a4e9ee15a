from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

hex_color = RegexValidator(r"^#[0-9a-f]{6}$", _("Enter a colour as #rrggbb, e.g. #1a73e8."))


class Density(models.TextChoices):
    COMPACT = "compact", _("Compact")
    COMFORTABLE = "comfortable", _("Comfortable")
    SPACIOUS = "spacious", _("Spacious")


class Brandbook(models.Model):
    """The provider's look. One row per provider schema, seeded by the migrations with Kabinet's
    neutral palette.

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
    logo = models.FileField(
        _("logo"),
        upload_to="brand/",
        blank=True,
        validators=[FileExtensionValidator(["svg", "png", "jpg", "jpeg", "webp"])],
    )
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

    @property
    def version(self) -> str:
        """Changes whenever the brandbook does; part of the theme's and logo's URLs."""
        return str(int(self.updated_at.timestamp() * 1000))
