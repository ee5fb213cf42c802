"""Impressum: the deployment's text (REGIOHUB_LEGAL_DIR) or the shipped template."""

from regiohub.dashboard import legal

legal.render("impressum")
