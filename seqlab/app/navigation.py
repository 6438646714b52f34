"""The app's navigation menu: the home page (dashboard.py's own content) titled "Home", then the pages of pages/.

With the classic pages/ folder Streamlit names the home page after its file ("dashboard"); `st.navigation` lets it
have a title. Each page keeps the address its file name gives it (/Lab, /Gradient_flow, ...), so deep links and
`st.page_link("pages/1_Lab.py")` work as before.

Streamlit switches a server from the pages/-folder app to this menu the first time any session runs dashboard.py:
on a fresh server whose visitors so far only opened deep links (/Lab), the menu still says "dashboard" until someone
opens the home page (seen in Chromium, 2026-11-30; from then on every session has the menu).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from seqlab.app.home import PAGES

HOME_TITLE = "Home"
HOME_ADDRESS = "dashboard"  # the hash Streamlit gives dashboard.py's page (as a pages/-folder app) is this one's too


def _home() -> None:
    """The home page draws nothing here: dashboard.py draws it after `route` returns."""


def home_page() -> st.Page:
    """The home page as a link target (`st.page_link(home_page())`), the same on every page."""
    return st.Page(_home, title=HOME_TITLE, icon=":material/home:", url_path=HOME_ADDRESS, default=True)


def route() -> None:
    """Called first in dashboard.py: draw the menu; if a page other than home was asked for, run it and stop
    there, otherwise return so that dashboard.py goes on to draw the home page."""
    pages = [home_page(), *[st.Page(page.path, title=page.title, icon=page.icon) for page in PAGES]]
    current = st.navigation(pages)
    if current.url_path:  # the home page's is "": it is the default
        current.run()
        st.stop()


def page_link(where: DeltaGenerator, path: str, **options) -> None:
    """`where.page_link(path)` for a page or for "dashboard.py", the home page. Under the menu of `route` the home
    page is not a file Streamlit knows but `home_page()`; until a server first runs dashboard.py (a fresh server
    whose first visitor opens /Lab), Streamlit still runs the pages/-folder app, where only the file is known."""
    try:
        where.page_link(path, **options)
    except StreamlitAPIException:
        if path != "dashboard.py":
            raise
        where.page_link(home_page(), **options)
