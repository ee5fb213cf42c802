"""Regio.hub."""
