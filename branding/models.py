from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

hex_color = RegexValidator(r"^#[0-9a-f]{6}$", _("Enter a colour as #rrggbb, e.g. #1a73e8."))


class Brandbook(models.Model):
    """The provider's look. One row per provider schema, seeded by the migrations with Kabinet's
    neutral palette; the branding editor (a later part of /manage/) edits it."""

    singleton = models.BooleanField(default=True, editable=False)
    primary_color = models.CharField(_("primary colour"), max_length=7, validators=[hex_color])
    accent_color = models.CharField(_("accent colour"), max_length=7, validators=[hex_color])
    background_color = models.CharField(
        _("background colour"), max_length=7, validators=[hex_color]
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
        for field in ("primary_color", "accent_color", "background_color"):
            setattr(self, field, getattr(self, field).lower())
        super().save(*args, **kwargs)

    @property
    def version(self) -> str:
        """Changes whenever the brandbook does; part of the theme's and logo's URLs."""
        return str(int(self.updated_at.timestamp() * 1000))
