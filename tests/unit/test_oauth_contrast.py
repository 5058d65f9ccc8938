"""The sign-in and consent pages meet WCAG AA contrast (4.5:1 for text) in light and dark mode.

Reads the templates' CSS, resolves the colour variables of each scheme, and checks every rule
that sets a text colour against the background it sits on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import config

TEMPLATES = config.ROOT / "auth" / "oauth" / "templates"
AA_TEXT = 4.5
_DARK = re.compile(r"@media\s*\(\s*prefers-color-scheme:\s*dark\s*\)\s*\{((?:[^{}]*\{[^{}]*\})*)\s*\}")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def relative_luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _declarations(body: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in body.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def _stylesheet() -> str:
    css = "".join(
        match
        for path in sorted(TEMPLATES.glob("*.html"))
        for match in re.findall(r"<style>(.*?)</style>", path.read_text(), re.S)
    )
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def _schemes(css: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """(rules, {scheme: variables}) of the pages' CSS."""
    dark_block = _DARK.search(css)
    assert dark_block, "the pages define no dark-mode colours"
    top = css[: dark_block.start()] + css[dark_block.end() :]
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in _RULE.findall(top):
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(_declarations(body))
    light = {k: v for k, v in rules.pop(":root").items() if k.startswith("--")}
    dark_rules = dict(_RULE.findall(dark_block.group(1)))
    dark = {**light, **_declarations(dark_rules[next(k for k in dark_rules if k.strip() == ":root")])}
    return rules, {"light": light, "dark": dark}


def _colour(value: str, variables: dict[str, str]) -> str | None:
    """A declared colour as #rrggbb, None for one that is not a colour (transparent, none)."""
    value = value.split()[0] if value.startswith("var(") else value
    if match := re.fullmatch(r"var\((--[\w-]+)\)", value):
        value = variables[match.group(1)]
    return value if re.fullmatch(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}", value) else None


def _text_pairs(scheme: str) -> list[tuple[str, str, str]]:
    rules, schemes = _schemes(_stylesheet())
    variables = schemes[scheme]
    body = rules["body"]
    page_text, page_background = _colour(body["color"], variables), _colour(body["background"], variables)
    assert page_text and page_background, "the body sets both its text colour and its background"
    pairs = []
    for selector, declarations in rules.items():
        if "color" not in declarations:
            continue
        foreground = _colour(declarations["color"], variables) or page_text
        background = _colour(declarations.get("background", ""), variables) or page_background
        pairs.append((selector, foreground, background))
    return pairs


def test_contrast_formula_matches_wcag_reference_values() -> None:
    # WCAG's own examples: black on white is 21:1, #767676 on white the lightest AA grey.
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast("#777777", "#ffffff") < AA_TEXT


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_meets_aa_on_its_background(scheme: str) -> None:
    pairs = _text_pairs(scheme)
    # the error text, the lead text, the buttons and the body text are all among them
    assert {"body", ".error", "p.lead", "button", "button.secondary", "small"} <= {s for s, _, _ in pairs}
    failing = [(s, fg, bg, round(contrast(fg, bg), 2)) for s, fg, bg in pairs if contrast(fg, bg) < AA_TEXT]
    assert failing == []


def test_dark_mode_sets_every_colour_itself() -> None:
    _, schemes = _schemes(_stylesheet())
    dark_block = _DARK.search(_stylesheet())
    assert dark_block is not None
    assert set(_declarations(dark_block.group(1).split("{", 1)[1].rsplit("}", 1)[0])) == set(schemes["light"])


def test_templates_have_no_inline_colours_the_check_would_miss() -> None:
    for path in TEMPLATES.glob("*.html"):
        assert not re.search(r'style="[^"]*color', Path(path).read_text()), path.name
