"""Tenders: open procurements, what history teaches about them, and where winners build.

- :mod:`~railgap.tenders.open`: tenders announced and undecided on the as-of date, sized.
- :mod:`~railgap.tenders.history`: award shares and slippage learnt from decided tenders and
  delivered orders, as known on the date.
- :mod:`~railgap.tenders.winners`: each bidder's plants, stages and unit length.

Shared by the Monte Carlo, the scenario levers and the optimiser; imports only the data layer
and the plant engine's schedule.
"""
