"""The web app's colours meet WCAG AA in light and dark mode: 4.5:1 for text on the surfaces it
sits on, 3:1 for the borders of controls and the focus ring (web/app/src/app.css)."""

from __future__ import annotations

import re

import pytest

import config
from tests.unit.test_oauth_contrast import contrast

CSS = (config.ROOT / "web" / "app" / "src" / "app.css").read_text()
DARK = re.search(r"prefers-color-scheme:\s*dark\s*\)\s*\{\s*:root\s*\{([^}]*)\}", CSS)

# (foreground, background, minimum): every pairing the stylesheet uses.
PAIRS = [
    ("--text", "--bg", 4.5),
    ("--text", "--card", 4.5),
    ("--text", "--badge-bg", 4.5),
    ("--muted", "--card", 4.5),
    ("--muted", "--bg", 4.5),
    ("--accent", "--card", 4.5),  # links, secondary buttons
    ("--accent", "--bg", 4.5),
    ("--accent-text", "--accent", 4.5),  # primary buttons, the current page in the menu
    ("--ok", "--card", 4.5),
    ("--error", "--error-bg", 4.5),
    ("--border", "--card", 3.0),
    ("--focus", "--card", 3.0),
    ("--focus", "--bg", 3.0),
]


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def _schemes() -> dict[str, dict[str, str]]:
    light_block = re.search(r":root\s*\{([^}]*)\}", CSS)
    assert light_block and DARK, "app.css defines its colours for light and dark mode"
    light = _variables(light_block.group(1))
    return {"light": light, "dark": {**light, **_variables(DARK.group(1))}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS)
def test_colour_pairs_meet_wcag_aa(scheme: str, foreground: str, background: str, minimum: float) -> None:
    colours = _schemes()[scheme]
    ratio = contrast(colours[foreground], colours[background])
    assert ratio >= minimum, f"{scheme}: {foreground} on {background} is {ratio:.2f}:1, below {minimum}:1"


def test_every_colour_the_stylesheet_uses_is_a_checked_variable() -> None:
    # Outside the two :root blocks, colours come from the variables above, never a literal.
    rules = re.sub(r":root\s*\{[^}]*\}", "", CSS)
    rules = re.sub(r"/\*.*?\*/", "", rules, flags=re.S)
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", rules)
    used = set(re.findall(r"var\((--[\w-]+)\)", rules))
    checked = {name for pair in PAIRS for name in pair[:2]}
    assert used <= checked, used - checked
