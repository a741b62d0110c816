"""The fleet engine: the national fleet by year, its age, retirements and the demand they make.

- :mod:`~railgap.fleets.register`: every passenger fleet as known on a date, with age and status.
- :mod:`~railgap.fleets.turnover`: the yearly forecast (fleet size, age, retirements, deliveries
  and the not-yet-ordered need).
- :mod:`~railgap.fleets.needs`: that need as a table of needs, for the optimiser.
- :mod:`~railgap.fleets.validation`: the back-cast against the published national series.

Pure functions over :mod:`railgap.dataset` tables; reads committed deliveries from
:mod:`railgap.plants.deliveries` when given them.
"""
