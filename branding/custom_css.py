"""A provider's own CSS, for what the brandbook's tokens do not cover, made safe to serve.

It is parsed (tinycss2), never pasted: only plain style rules and @media blocks are kept, each
selector is scoped to the portal's pages, and only properties that change how things look, not
where they are or whether they show, are allowed. Whatever could load something from elsewhere
(`url()`, `@import`, `image-set()`), run something (`expression()`), break out of the style
sheet (`<`), or aim at the legal footer is removed, and every removal is reported with its line
and the reason, for the editor to show. Rules may reach the footer without naming it (`* {…}`,
`body > :last-child`), so the theme restores the footer's look after them, with !important,
which the provider's rules may not use.
"""

import re
from dataclasses import dataclass

import tinycss2
from django.utils.translation import gettext as _

SCOPE = "body.kb-portal"
MAX_CSS_CHARS = 20_000
ALLOWED_PROPERTIES = frozenset(
    {
        "color", "background-color", "border", "border-color", "border-style", "border-width",
        "border-top", "border-right", "border-bottom", "border-left", "border-radius",
        "outline-color", "box-shadow", "text-shadow", "font-weight", "font-style",
        "font-size", "line-height", "letter-spacing", "word-spacing", "text-transform",
        "text-decoration", "text-decoration-color", "text-align", "padding", "padding-top",
        "padding-right", "padding-bottom", "padding-left", "margin", "margin-top",
        "margin-right", "margin-bottom", "margin-left", "gap", "max-width", "background-image",
    }
)  # fmt: skip
# Selectors may name elements, classes, attributes and pseudo-classes; nothing else.
SELECTOR = re.compile(r"^[a-zA-Z0-9_\-\.\#\[\]=\"' :>+~*(),]+$")
FOOTER = re.compile(r"footer|legal", re.IGNORECASE)
GRADIENT = re.compile(r"^(repeating-)?(linear|radial|conic)-gradient\(", re.IGNORECASE)


@dataclass(frozen=True)
class Removal:
    line: int
    what: str
    why: str


@dataclass(frozen=True)
class FilteredCss:
    css: str
    removed: list[Removal]


def filter_css(text: str) -> FilteredCss:
    """The part of `text` that may be served, and what was taken out, and why."""
    removed: list[Removal] = []
    if len(text) > MAX_CSS_CHARS:
        removed.append(Removal(1, _("the whole sheet"), _("it is longer than 20,000 characters")))
        return FilteredCss("", removed)
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    kept = _rules(rules, removed)
    return FilteredCss("\n".join(kept) + ("\n" if kept else ""), removed)


def _rules(rules: list, removed: list[Removal]) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "error":
            removed.append(Removal(rule.source_line, rule.message[:60], _("it is not valid CSS")))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            condition = tinycss2.serialize(rule.prelude).strip()
            if not _harmless(condition) or any(mark in condition for mark in "{};"):
                removed.append(
                    Removal(rule.source_line, f"@media {condition[:60]}", _loads_reason())
                )
                continue
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            body = _rules(inner, removed)
            if body:
                kept.append(f"@media {condition} {{\n" + "\n".join(body) + "\n}")
        elif rule.type == "at-rule":
            why = (
                _("it loads another file")
                if rule.lower_at_keyword in ("import", "font-face", "namespace")
                else _("only @media blocks are allowed")
            )
            removed.append(Removal(rule.source_line, f"@{rule.at_keyword}", why))
        else:
            style = _style_rule(rule, removed)
            if style:
                kept.append(style)
    return kept


def _style_rule(rule, removed: list[Removal]) -> str:
    selectors_text = tinycss2.serialize(rule.prelude).strip()
    selectors = [part.strip() for part in selectors_text.split(",") if part.strip()]
    if not selectors or not all(SELECTOR.match(part) for part in selectors):
        removed.append(
            Removal(rule.source_line, selectors_text[:60], _("the selector is not a plain one"))
        )
        return ""
    if any(FOOTER.search(part) for part in selectors):
        removed.append(
            Removal(rule.source_line, selectors_text[:60], _("the legal footer keeps its look"))
        )
        return ""
    declarations = []
    for declaration in tinycss2.parse_blocks_contents(
        rule.content, skip_comments=True, skip_whitespace=True
    ):
        if declaration.type != "declaration":
            removed.append(
                Removal(declaration.source_line, selectors_text[:60], _("it is not valid CSS"))
            )
            continue
        value = tinycss2.serialize(declaration.value).strip()
        name = declaration.lower_name
        what = f"{name}: {value}"[:80]
        if not _harmless(value) or (name == "background-image" and not GRADIENT.match(value)):
            removed.append(Removal(declaration.source_line, what, _loads_reason()))
        elif declaration.important:
            removed.append(
                Removal(
                    declaration.source_line, what, _("!important is not needed: your rules win")
                )
            )
        elif name not in ALLOWED_PROPERTIES:
            removed.append(
                Removal(declaration.source_line, what, _("this property is not allowed"))
            )
        else:
            declarations.append(f"  {name}: {value};")
    if not declarations:
        return ""
    scoped = ", ".join(_scoped(part) for part in selectors)
    return f"{scoped} {{\n" + "\n".join(declarations) + "\n}"


def _scoped(selector: str) -> str:
    """Under the portal's own pages: `html`, `body` and `:root` stand for the portal itself."""
    bare = re.sub(r"^(html|:root|body)\b\s*", "", selector)
    return f"{SCOPE} {bare}".strip() if bare else SCOPE


def _harmless(value: str) -> bool:
    lowered = "".join(value.split()).lower()
    return not any(
        marker in lowered
        for marker in (
            "url(",
            "image-set(",
            "image(",
            "src(",
            "element(",
            "cross-fade(",
            "expression(",
            "@import",
            "<",
            "\\",
            "javascript:",
        )  # fmt: skip
    )


def _loads_reason() -> str:
    return _("it could load or run something from elsewhere, or break out of the style sheet")


# Served after the provider's rules: the legal footer reads as the layout made it, whatever
# those rules reached.
FOOTER_GUARD = """body.kb-portal > footer.footer {
  background: transparent !important;
  box-shadow: none !important;
  padding: 1rem !important;
}
body.kb-portal > footer.footer :is(p, a, span, label) {
  color: var(--kb-text-muted) !important;
  font-size: .85rem !important;
  letter-spacing: normal !important;
  line-height: 1.5 !important;
  text-shadow: none !important;
  text-transform: none !important;
}
body.kb-portal > footer.footer a { color: var(--kb-primary-text) !important; }
"""
