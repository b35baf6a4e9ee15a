"""The branding editor's form: the brandbook's look as text fields, so that colours can be
written in any CSS notation (branding.palette reads them); the service checks them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branding.fonts import CHOICES as FONT_CHOICES
from branding.models import IMAGE_FIELDS, LOOK_FIELDS, Density
from branding.palette import BASE_TOKENS, SCHEMES

TOKEN_LABELS = {
    "primary": _("Primary"),
    "secondary": _("Secondary"),
    "accent": _("Accent"),
    "background": _("Background"),
    "surface": _("Surface"),
    "text": _("Text"),
    "success": _("Success"),
    "warning": _("Warning"),
    "danger": _("Danger"),
}
SCHEME_LABELS = {"light": _("light"), "dark": _("dark")}
BRAND_COLOURS = ("primary_color", "secondary_color", "accent_color")
# What the form edits as it is given; colours, palettes and files are handled on their own.
TEXT_FIELDS = tuple(
    name
    for name in LOOK_FIELDS
    if name not in {*BRAND_COLOURS, *IMAGE_FIELDS, "background_color", "palette", "own_font_family"}
)


def colour_field(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=100,
        required=required,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )


class BrandbookForm(forms.Form):
    primary_color = colour_field(_("Primary colour"))
    secondary_color = colour_field(_("Secondary colour"), required=False)
    accent_color = colour_field(_("Accent colour"))
    radius = forms.IntegerField(label=_("Corner radius, px"), min_value=0, max_value=24)
    density = forms.ChoiceField(label=_("Density"), choices=Density.choices)
    # Fonts shipped with Kabinet; left out of a form, the device's own.
    font_body = forms.ChoiceField(label=_("Text font"), choices=FONT_CHOICES, required=False)
    font_heading = forms.ChoiceField(label=_("Heading font"), choices=FONT_CHOICES, required=False)
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("SVG, PNG or WebP"))
    logo_dark = forms.FileField(
        label=_("Logo for the dark scheme"), required=False, help_text=_("SVG, PNG or WebP")
    )
    favicon = forms.FileField(label=_("Favicon"), required=False, help_text=_("ICO, PNG or SVG"))
    app_icon = forms.FileField(
        label=_("App icon"),
        required=False,
        help_text=_("A square PNG, 512 × 512 pixels is best (at least 192)"),
    )
    custom_css = forms.CharField(
        label=_("Your own CSS"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            "For what the colours above do not cover. Plain rules and @media only; anything "
            "that loads from elsewhere, moves or hides things, or touches the legal footer is "
            "removed, and listed below."
        ),
    )
    legal_footer = forms.CharField(
        label=_("Legal footer"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Company name, licence, address: shown at the foot of every page."),
    )
    support_phone = forms.CharField(label=_("Support phone"), required=False, max_length=32)
    support_email = forms.EmailField(label=_("Support e-mail"), required=False)
    support_chat_url = forms.CharField(
        label=_("Support chat"), required=False, max_length=200, help_text=_("https://…")
    )
    social_links = forms.CharField(
        label=_("Social networks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One address per line, e.g. https://vk.com/yourcompany"),
    )
    email_header = forms.CharField(
        label=_("E-mail header"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    email_footer = forms.CharField(
        label=_("E-mail footer"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    own_font_regular = forms.FileField(
        label=_("Your own font, regular"), required=False, help_text=_("WOFF2, WOFF, TTF or OTF")
    )
    own_font_bold = forms.FileField(
        label=_("Your own font, bold"), required=False, help_text=_("WOFF2, WOFF, TTF or OTF")
    )
    remove = forms.MultipleChoiceField(
        label=_("Remove"),
        required=False,
        choices=[
            ("logo_dark", _("the dark scheme's logo")),
            ("favicon", _("the favicon")),
            ("app_icon", _("the app icon")),
            ("own_font_regular", _("your own font, regular")),
            ("own_font_bold", _("your own font, bold")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, strict: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.strict = strict
        if strict:
            # A strict brandbook gives every colour of both schemes; the dark ones may be left
            # empty together, and are then derived. Its brand colours are the light scheme's.
            for name in BRAND_COLOURS:
                del self.fields[name]
            for scheme in SCHEMES:
                for token in BASE_TOKENS:
                    label = f"{TOKEN_LABELS[token]} ({SCHEME_LABELS[scheme]})"
                    self.fields[f"{scheme}_{token}"] = colour_field(
                        label, required=scheme == "light"
                    )

    def look_fields(self) -> list:
        """The fields shown one under another; a strict palette's come as `palette_rows`."""
        return [self[name] for name in self.fields if not name.startswith(SCHEMES)]

    def palette_rows(self) -> list[tuple]:
        """(token's label, [its light field, its dark field]) for a strict brandbook."""
        if not self.strict:
            return []
        return [
            (TOKEN_LABELS[token], [self[f"{scheme}_{token}"] for scheme in SCHEMES])
            for token in BASE_TOKENS
        ]

    def images(self) -> dict:
        """Uploads as (name, content), and None for each image to remove."""
        images: dict = dict.fromkeys(self.cleaned_data.get("remove") or [])
        for kind in IMAGE_FIELDS:
            upload = self.cleaned_data.get(kind)
            if upload is not None:
                images[kind] = (upload.name, upload.read())
        return images

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {name: data[name] for name in TEXT_FIELDS}
        for name in ("font_body", "font_heading"):
            changes[name] = changes[name] or "system"
        if not self.strict:
            return changes | {name: data[name] for name in BRAND_COLOURS}
        palette = {}
        for scheme in SCHEMES:
            colours = {token: data[f"{scheme}_{token}"] for token in BASE_TOKENS}
            if scheme == "light" or any(colours.values()):
                palette[scheme] = colours
        light = palette["light"]
        return changes | {
            "palette": palette,
            "primary_color": light["primary"],
            "secondary_color": light["secondary"],
            "accent_color": light["accent"],
        }

    @staticmethod
    def initial_of(brandbook) -> dict:
        initial = {name: getattr(brandbook, name) for name in (*BRAND_COLOURS, *TEXT_FIELDS)}
        initial["social_links"] = "\n".join(link["url"] for link in brandbook.social_links)
        for scheme, colours in (brandbook.palette or {}).items():
            for token, value in colours.items():
                initial[f"{scheme}_{token}"] = value
        return initial
