"""barnet-rag: RAG ratings, Direction of Travel and exception reports for council indicators.

The rating engine (:mod:`barnet_rag.engine.rating`) is pure; loading, reporting and the CLI sit
around it. Importing this package is cheap: it imports nothing heavy.
"""

__version__ = "0.1.0"
