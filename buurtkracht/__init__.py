"""Buurtkracht: residents show their gifts, help each other and carry their own initiatives."""
