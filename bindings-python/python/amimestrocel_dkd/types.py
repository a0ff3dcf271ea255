"""The stable slugs of the protocol as ``typing.Literal`` types, for type checkers and editors.

Each is the list core gives (a test compares them with the lists the library returns at run
time), in core's order; the same strings are used in JSON, Rust, Kotlin and Swift.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "AnalyteSlug",
    "AssessmentSlug",
    "AssignmentRoleSlug",
    "CriterionIdSlug",
    "CriterionKindSlug",
    "DeviationKindSlug",
    "EquationSlug",
    "OutcomeSlug",
    "StatusSlug",
    "VisitStateSlug",
]

CriterionIdSlug = Literal[
    "inc_age",
    "inc_type2_diabetes",
    "inc_dkd_biopsy",
    "inc_urine_protein",
    "inc_uacr",
    "inc_egfr",
    "inc_blood_pressure",
    "inc_hba1c",
    "inc_consent",
    "exc_non_diabetic_kidney_disease",
    "exc_immunosuppressant",
    "exc_severe_cardiovascular",
    "exc_stroke",
    "exc_hyperlipidaemia",
    "exc_hyperkalaemia",
    "exc_viral_hepatitis",
    "exc_tuberculosis_hiv_immunodeficiency",
    "exc_malignancy",
    "exc_allergy",
    "exc_pregnancy_lactation",
    "exc_active_infection",
    "exc_other_trial",
    "exc_investigator_judgement",
]
"""A criterion of the protocol, inclusions first."""

CriterionKindSlug = Literal[
    "inclusion",
    "exclusion",
]
"""Inclusion or exclusion."""

OutcomeSlug = Literal[
    "met",
    "not_met",
    "unknown",
]
"""What a criterion says of a candidate."""

StatusSlug = Literal[
    "eligible",
    "ineligible",
    "pending",
]
"""The overall status of a screening."""

AnalyteSlug = Literal[
    "serum_creatinine",
    "cystatin_c",
    "urine_protein_24h",
    "uacr",
    "hba1c",
    "fasting_glucose",
    "triglycerides",
    "ldl_cholesterol",
    "hdl_cholesterol",
    "total_cholesterol",
    "potassium",
    "systolic_bp",
    "diastolic_bp",
    "egfr",
    "creatinine_clearance",
    "urine_albumin",
    "urine_creatinine",
]
"""An analyte (or vital sign, or derived rate)."""

EquationSlug = Literal[
    "ckd_epi_2009_cr",
    "ckd_epi_2021_cr",
    "ckd_epi_2012_cys",
    "ckd_epi_2012_cr_cys",
    "ckd_epi_2021_cr_cys",
    "ekfc_2021_cr",
    "ekfc_2023_cys",
    "ekfc_2023_cr_cys",
    "mdrd4_idms",
    "cockcroft_gault",
]
"""A GFR equation, its version in its name."""

AssessmentSlug = Literal[
    "urine_protein_24h",
    "egfr",
    "inflammation_biomarkers",
    "lymphocyte_subsets",
    "octa",
    "emg",
    "fasting_glucose",
    "hba1c",
    "uacr",
    "tcm_scale",
    "dqol",
    "mace_mortality",
    "renal_composite",
    "adverse_events",
    "secondary_malignancy",
]
"""An assessment planned at a visit (``docs/schedule.md``)."""

VisitStateSlug = Literal["upcoming", "in_window", "overdue", "missed", "done", "done_out_of_window", "not_expected"]
"""Where a visit stands on a date."""

AssignmentRoleSlug = Literal["in_window", "out_of_window", "repeat", "unscheduled"]
"""How an observation was assigned to a visit."""

DeviationKindSlug = Literal[
    "missed_visit", "missed_infusion", "infusion_out_of_window", "assessment_missing", "extra_infusion"
]
"""A departure from the plan."""
