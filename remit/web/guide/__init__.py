"""The corridor guide: one sheet to take home per corridor (see blueprint.py)."""
