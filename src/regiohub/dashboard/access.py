"""Access to the operational page (Datenqualität): public, OIDC login or a shared password — failing closed.

``REGIOHUB_DASHBOARD_LOGIN`` chooses the mode:

- unset, ``off`` or ``0``: public (local demo);
- ``oidc`` (or ``1``, ``true``, ``yes``): Streamlit's OIDC login with an ``[auth]`` section in the secrets;
- ``password``: a shared password from ``REGIOHUB_DASHBOARD_PASSWORD`` (at least 12 characters).

Any other value, ``oidc`` without ``[auth]``, or ``password`` without a usable password is a
misconfiguration: the page is refused (never opened), and the message names what is missing, never a secret.
Wrong passwords are throttled per client: a growing delay, then a lockout (:mod:`.login_throttle`).
"""

from __future__ import annotations

import hmac
import math
import os
import time
from dataclasses import dataclass

import streamlit as st

from regiohub.dashboard.login_throttle import THROTTLE, client_address

MODE_ENV = "REGIOHUB_DASHBOARD_LOGIN"
PASSWORD_ENV = "REGIOHUB_DASHBOARD_PASSWORD"
MIN_PASSWORD = 12
_OFF, _OIDC = {"", "0", "off", "false", "no"}, {"1", "true", "yes", "oidc"}
_STATE_KEY = "_regiohub_password_ok"


@dataclass(frozen=True)
class Access:
    """The configured mode (``public``, ``oidc``, ``password``) or ``refused`` with the reason."""

    mode: str
    reason: str = ""


def configured_access() -> Access:
    """The access mode from the environment and secrets; misconfiguration gives ``refused``."""
    raw = os.environ.get(MODE_ENV, "").strip().lower()
    if raw in _OFF:
        return Access("public")
    if raw in _OIDC:
        try:
            has_auth = "auth" in st.secrets
        except FileNotFoundError:
            has_auth = False
        return Access("oidc") if has_auth else Access("refused", "Anmeldung (OIDC) eingeschaltet, aber kein [auth] "
                                                                  "in den Secrets konfiguriert.")
    if raw == "password":
        if len(os.environ.get(PASSWORD_ENV, "").strip()) < MIN_PASSWORD:
            return Access("refused", f"Passwortschutz eingeschaltet, aber {PASSWORD_ENV} ist nicht gesetzt, leer "
                                     f"oder kürzer als {MIN_PASSWORD} Zeichen.")
        return Access("password")
    return Access("refused", f"Unbekannter Wert für {MODE_ENV} (erlaubt: off, oidc, password).")


def password_matches(given: str) -> bool:
    """Constant-time comparison with the configured password (False when none is configured)."""
    expected = os.environ.get(PASSWORD_ENV, "").strip()
    return len(expected) >= MIN_PASSWORD and hmac.compare_digest(given.encode(), expected.encode())


def require_login() -> None:
    """Stop the page unless access is granted: public, logged in, or the right password in this session."""
    access = configured_access()
    if access.mode == "public":
        return
    message = "Diese Seite zeigt Betriebsdetails und ist angemeldeten Nutzerinnen und Nutzern vorbehalten."
    if access.mode == "refused":
        st.error(f"Zugang gesperrt: {access.reason} Bitte wenden Sie sich an das Datenteam.")
        st.stop()
    if access.mode == "oidc":
        if st.user.get("is_logged_in", False):
            return
        st.info(message)
        st.button("Anmelden", on_click=st.login, icon=":material/login:")
        st.stop()
    if st.session_state.get(_STATE_KEY):
        return
    st.info(message)
    with st.form("login"):
        given = st.text_input("Passwort", type="password")
        submitted = st.form_submit_button("Anmelden")
    if submitted:
        _check(given)
    st.stop()


def _check(given: str) -> None:
    """One password attempt, throttled per client (:mod:`regiohub.dashboard.login_throttle`)."""
    address = getattr(st.context, "ip_address", None)
    forwarded = st.context.headers.get("X-Forwarded-For") if isinstance(address, str) else None
    client = client_address(address if isinstance(address, str) else None, forwarded)
    locked = THROTTLE.locked_for(client)
    if locked:
        st.error(f"Zu viele Fehlversuche. Bitte in {math.ceil(locked / 60)} Minuten erneut versuchen.")
        return
    time.sleep(THROTTLE.delay(client))
    if password_matches(given):
        THROTTLE.succeeded(client)
        st.session_state[_STATE_KEY] = True
        st.rerun()
    THROTTLE.failed(client)
    st.error("Das Passwort ist nicht richtig.")
