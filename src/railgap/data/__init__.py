"""The embedded dataset: one CSV per table, its schema beside it, and the assumptions."""
