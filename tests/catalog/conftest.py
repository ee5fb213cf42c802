"""The official DCAT-AP.de 3.0 SHACL shapes, read from ``../shared`` (never copied into the repository)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from regiohub.core import settings

SHAPES_DIR = settings.REPO_ROOT.parent / "shared" / "data" / "standards" / "dcat-ap-de-3.0"
SHAPE_FILES = ["dcat-ap-SHACL-DE.ttl", "dcat-ap-de-controlledvocabularies.ttl", "dcat-ap-de-deprecated.ttl",
               "dcat-ap-spec-german-additions.ttl"]
MIRROR = [("foaf_0_1.rdf", "xml"), ("vcard.ttl", "turtle"), ("org.ttl", "turtle")]


@pytest.fixture(scope="session")
def dcat_shapes() -> tuple[Graph, Graph]:
    """(shapes graph, ontology graph of the mirrored imports); skips where ../shared is absent."""
    if not SHAPES_DIR.is_dir():
        pytest.skip(f"DCAT-AP.de shapes not found at {SHAPES_DIR} (../shared/data/standards/dcat-ap-de-3.0)")
    shapes, ontology = Graph(), Graph()
    for name in SHAPE_FILES:
        shapes.parse(SHAPES_DIR / name, format="turtle")
    for name, fmt in MIRROR:
        ontology.parse(SHAPES_DIR / "mirror" / name, format=fmt)
    return shapes, ontology
