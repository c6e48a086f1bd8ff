"""WeaverGen economics: is the service making money, measured from spans?

Cost structures (estimated monthly line items) and the measured ledger (read
from the span store) feed unit economics per pricing tier, KPIs, stress
scenarios that re-run the workload, projections from editable assumptions,
and a check of the v2 plan's own claims. The terminal (``weavergen economics``)
and the HTML page (:func:`write_html_report`) show the same summary.
"""

from weavergen.economics.claims import ClaimCheck, check_claims, load_claims
from weavergen.economics.html_report import render_html, write_html_report
from weavergen.economics.kpis import Kpi, compute_kpis
from weavergen.economics.ledger import Ledger, ledger_from_source, open_ledger
from weavergen.economics.pricing import (
    PricingConfig,
    PricingTier,
    TierEconomics,
    load_pricing,
    margin,
    unit_economics,
)
from weavergen.economics.projections import load_assumptions, project
from weavergen.economics.stress import (
    STRESS_SCENARIOS,
    WorkloadConfig,
    replay_workload,
    run_stress,
)
from weavergen.economics.structure import CostStructure, load_structure
from weavergen.economics.summary import (
    EconomicsSummary,
    build_summary,
    summary_to_json,
)

__all__ = [
    "STRESS_SCENARIOS",
    "ClaimCheck",
    "CostStructure",
    "EconomicsSummary",
    "Kpi",
    "Ledger",
    "PricingConfig",
    "PricingTier",
    "TierEconomics",
    "WorkloadConfig",
    "build_summary",
    "check_claims",
    "compute_kpis",
    "ledger_from_source",
    "load_assumptions",
    "load_claims",
    "load_pricing",
    "load_structure",
    "margin",
    "open_ledger",
    "project",
    "render_html",
    "replay_workload",
    "run_stress",
    "summary_to_json",
    "unit_economics",
    "write_html_report",
]
