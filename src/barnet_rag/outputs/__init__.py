"""Renderers of rated periods: tables, reports, exports, charts, explanations."""
