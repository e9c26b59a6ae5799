"""``python -m barnet_rag``: the same as the ``barnet-rag`` command."""

from barnet_rag.cli import run

run()
