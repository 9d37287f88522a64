"""Buurtkracht: residents make their gifts visible, help each other and carry their own initiatives."""
