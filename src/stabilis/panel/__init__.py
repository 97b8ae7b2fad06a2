"""The country-year frame contract: keys ``iso3, year``, one column per indicator code."""

from stabilis.panel.frame import PANEL_KEYS, check_panel, to_long, to_wide

__all__ = ["PANEL_KEYS", "check_panel", "to_long", "to_wide"]
