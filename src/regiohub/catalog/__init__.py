"""DCAT-AP.de 3.0 catalogue of what the platform publishes (written with every publish, served by the API)."""
