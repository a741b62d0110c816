"""The plant-loading engine: what the order book means for each factory, month by month.

- :mod:`~railgap.plants.scheduling`: each order's delivery profile and its work packages'
  months at each plant (stated windows, or derived from deliveries and lead times).
- :mod:`~railgap.plants.loading`: plant load per month, capacity, run-out, next work, gaps,
  headcount and jobs at risk (:func:`~railgap.plants.loading.run_loading`).
- :mod:`~railgap.plants.deliveries`: committed orders' delivery years by class family.

Pure functions over :mod:`railgap.dataset` tables and assumptions; imports nothing else.
"""
