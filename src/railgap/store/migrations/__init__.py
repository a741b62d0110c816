"""Alembic migrations of the railgap database (run by ``railgap.store.migrate``)."""
