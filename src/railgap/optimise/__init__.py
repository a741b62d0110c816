"""The pipeline optimiser: when and where the not-yet-ordered demand is built (a MIP on HiGHS).

Inputs (:mod:`~railgap.optimise.inputs`, :mod:`~railgap.optimise.tenders`), options and
weights (:mod:`~railgap.optimise.options`), the model (:mod:`~railgap.optimise.model`), plans
and their baselines (:mod:`~railgap.optimise.plans`), the solve
(:mod:`~railgap.optimise.solve`, :mod:`~railgap.optimise.optimiser`), its tables
(:mod:`~railgap.optimise.report`) and the run on a dataset
(:func:`railgap.optimise.run.run_optimize`).

Reads the fleet engine's needs, the plant engine's loads and the open tenders.
"""
