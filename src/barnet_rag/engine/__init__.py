"""The rules: plain values in, plain values out.

No pydantic, click, rich, yaml or pathlib here, and no I/O.
"""
