"""What a narrow screen needs: on a phone Streamlit folds the sidebar behind an unlabelled "»", so say where it is."""

from __future__ import annotations

import streamlit as st

HINT_KEY = "phone_settings_hint"  # Streamlit gives a keyed container the CSS class "st-key-<key>"
NARROW_PX = 768  # Streamlit folds the sidebar away at this width and below
HINT = "On a phone the settings are folded away: tap **»** at the top left to open them, and × to close them."
# shown only where the sidebar is folded: on a wider screen the settings are in plain sight
HIDE_WHEN_WIDE = f"<style>@media (min-width: {NARROW_PX + 1}px) {{ .st-key-{HINT_KEY} {{ display: none; }} }}</style>"


def settings_hint() -> None:
    """A one-line note, visible on narrow screens only, that the page's settings are behind the "»" at the top
    left (what the page text calls "the sidebar")."""
    st.html(HIDE_WHEN_WIDE)
    with st.container(key=HINT_KEY):
        st.caption(f":material/tune: {HINT}")
