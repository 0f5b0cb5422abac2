"""Cumulative exposure per expert: what one expert's submissions together reveal.

    from screener.exposure import ExposureLedger, apply
    with ExposureLedger(Path("exposure.sqlite")) as ledger:
        results = apply(ledger, screener.screen_many(items), policy.exposure)

See ``ledger`` (storage, exactly once), ``evaluate`` (coverage and weak-signal scores, FRG510 / EMP290),
``signals`` (what a submission contributes) and ``policy`` (the ``exposure:`` section of a policy file).
"""

from screener.exposure.apply import apply
from screener.exposure.evaluate import COVERAGE_RULE, SIGNALS_RULE, documents, employers, findings_for
from screener.exposure.ledger import ExposureLedger
from screener.exposure.policy import ExposurePolicy
from screener.exposure.signals import EmployerSignal, Exposure, SignalFinder

__all__ = ["COVERAGE_RULE", "SIGNALS_RULE", "EmployerSignal", "Exposure", "ExposureLedger", "ExposurePolicy",
           "SignalFinder", "apply", "documents", "employers", "findings_for"]
