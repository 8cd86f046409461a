"""Renderers: the only code that turns findings into words."""
