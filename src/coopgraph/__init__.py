"""coopgraph: a knowledge graph of digital-cooperation agreements between governments."""

__version__ = "0.1.0"
