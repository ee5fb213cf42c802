"""A truncated published mart: every page answers from the newest intact snapshot with a German banner,
never an error text, server path or stack trace (Streamlit AppTest on the real demo mart)."""

from __future__ import annotations

import os
import shutil

import pytest
from dash_helpers import ALL_PAGES, MART_PAGES, open_app, page_text

from regiohub.core import settings
from regiohub.dashboard.components import FALLBACK_MESSAGE


@pytest.fixture(scope="module")
def damaged_dir(demo_data_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("damaged") / "data"
    shutil.copytree(demo_data_dir, data_dir, symlinks=True)
    published = settings.paths(data_dir).published
    os.truncate(published, published.stat().st_size // 3)
    return data_dir


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_answers_from_the_fallback_with_a_banner(damaged_dir, monkeypatch, page):
    at = open_app(damaged_dir, monkeypatch, page)  # fails on any exception of the page
    shown = page_text(at) + "\n".join(w.value for w in at.warning)
    assert not at.error, [e.value for e in at.error]
    assert "Traceback" not in shown and "IOException" not in shown
    if page in MART_PAGES:  # public pages (Datenqualität links the operator to the local Data Docs on purpose)
        assert str(damaged_dir) not in shown
        assert FALLBACK_MESSAGE in [w.value for w in at.warning]
        assert at.markdown or at.metric  # the page shows the kept snapshot's content
