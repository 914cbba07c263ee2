"""Two themes: a calm default and a high-contrast one. NO_COLOR is honoured by Textual itself
(a monochrome filter), and no screen carries meaning by colour alone."""

from __future__ import annotations

from textual.theme import Theme

CALM = Theme(
    name="kit-calm",
    primary="#7FA7C9",
    secondary="#9DB8A0",
    accent="#C9B37F",
    warning="#D9A75F",
    error="#D98B7F",
    success="#8FBF8F",
    foreground="#E4E6E8",
    background="#1C2126",
    surface="#232A31",
    panel="#2B333B",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="kit-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFA500",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1A1A1A",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
)

THEMES = (CALM, HIGH_CONTRAST)
