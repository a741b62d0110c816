"""The web face: the HTTP API and the dashboard (``railgap serve``).

:func:`railgap.web.app.create_app` builds the FastAPI app: :mod:`~railgap.web.api` (the JSON
and CSV routes), :mod:`~railgap.web.pages` (the dashboard's pages), :mod:`~railgap.web.service`
(the answers behind both, cached per dataset by :mod:`~railgap.web.cache`) and
:mod:`~railgap.web.limits` (request limits and the engine queue).
"""
