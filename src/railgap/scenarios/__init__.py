"""The scenario engine: levers applied to the dataset as known on a date, and what they change.

- :mod:`~railgap.scenarios.spec`: scenario files (YAML), parsed and validated.
- :mod:`~railgap.scenarios.levers`: each lever a pure function from (tables, assumptions) to
  new ones (:func:`~railgap.scenarios.levers.apply_levers`).
- :mod:`~railgap.scenarios.whatif`: scenario minus baseline per plant, and which lever did it.
- :mod:`~railgap.scenarios.gaplevers`: levers that could close a plant's gap.

Runs the plant engine (:mod:`railgap.plants`) and reads open tenders (:mod:`railgap.tenders`).
"""
