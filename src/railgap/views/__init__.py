"""The views: railgap's answers as people and machines read them, shared by every face.

- :mod:`~railgap.views.answers`: one JSON body and one CSV per answer (the API's and CLI's).
- :mod:`~railgap.views.render`: JSON-safe records, CSV and number formats.
- :mod:`~railgap.views.terminal`: rich tables and charts for the CLI.
- :mod:`~railgap.views.charts`: Plotly figures with their data tables.
- :mod:`~railgap.views.report`: the plant briefing (HTML or Excel).
- :mod:`~railgap.views.html`: the page templates and the bundled Plotly.js.
- :mod:`~railgap.views.optimise`: what the optimiser prints and writes.

Views call :mod:`railgap.analysis`; the faces (:mod:`railgap.cli`, :mod:`railgap.web`) call views.
"""
