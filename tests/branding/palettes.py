"""A strict brandbook's colours for the light scheme, as a provider would hand them over; every
pair they make reads well."""

STRICT_LIGHT = {
    "primary": "#0b6e4f",
    "secondary": "#1d3557",
    "accent": "#f4a261",
    "background": "#f2f7f5",
    "surface": "#ffffff",
    "text": "#10231c",
    "success": "#2a7d4f",
    "warning": "#e9a23b",
    "danger": "#b3261e",
}
