"""Type stubs for the private native module. Import from ``amimestrocel_dkd`` instead."""

import datetime
from typing import Any, Dict, List, Mapping, Optional, SupportsFloat, Tuple, Type, TypeVar, Union, final

import numpy as np
from typing_extensions import disjoint_base
import numpy.typing as npt

from .types import AnalyteSlug, CriterionIdSlug, CriterionKindSlug, EquationSlug, OutcomeSlug, StatusSlug

__all__ = [
    "CRITERION_IDS",
    "omop_concept_sets_json",
    "omop_prescreen",
    "omop_synthetic",
    "endpoints_csv",
    "endpoints_lab_table",
    "endpoints_derive_json",
    "endpoints_report_json",
    "stats_kaplan_meier_json",
    "stats_summarise_json",
    "stats_t_quantile",
    "stats_wilson",
    "ASSESSMENTS",
    "INSTRUMENT_ERROR_KINDS",
    "NativeInstrument",
    "NativeSession",
    "instrument_efficacy_json",
    "VISIT_STATES",
    "schedule_calendar_json",
    "schedule_ics",
    "schedule_plan_json",
    "schedule_status_json",
    "schedule_status_table",
    "schedule_status_columns",
    "CreatinineClearance",
    "CystatinC",
    "DiastolicBp",
    "Egfr",
    "FastingGlucose",
    "GfrEstimate",
    "Hba1c",
    "HdlCholesterol",
    "LabValue",
    "LdlCholesterol",
    "PROTOCOL_DEFAULT_EQUATION",
    "Potassium",
    "SerumCreatinine",
    "SystolicBp",
    "TotalCholesterol",
    "Triglycerides",
    "Uacr",
    "UrineAlbumin",
    "UrineCreatinine",
    "UrineProtein24h",
    "__version__",
    "age_on",
    "analytes",
    "batch_kernel",
    "egfr_columns",
    "egfr_arrow",
    "egfr_mark_missing",
    "egfr_units_to_canonical",
    "egfr_mark_unit_errors",
    "table_columns",
    "TableArrow",
    "ArrayArrow",
    "egfr_error_kinds",
    "equations",
    "estimate_gfr",
    "lab_value",
    "parse_unit",
    "OUTCOMES",
    "STATUSES",
    "screen_record",
    "screen_json",
    "screen_table",
    "screen_arrow",
    "screening_arrow_schema",
    "SchemaArrow",
    "criteria_list",
    "default_config_json",
    "validate_record_json",
    "SyntheticRecords",
    "_panic_for_test",
    "sex_codes_ucs4",
    "sex_codes_bytes",
    "sex_codes_objects",
    "text_codes",
    "sex_codes_ints",
    "sex_codes_floats",
    "sex_codes_female",
    "floats_from_objects",
    "flags_from_objects",
]
__version__: str
PROTOCOL_DEFAULT_EQUATION: str

_L = TypeVar("_L", bound="LabValue")

@disjoint_base
class LabValue:
    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def analyte(self) -> str: ...
    @property
    def canonical_value(self) -> float: ...
    @property
    def canonical_unit(self) -> str: ...
    def to(self, unit: str) -> float: ...
    def convert(self: _L, unit: str) -> _L: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @classmethod
    def from_dict(cls: Type[_L], data: Dict[str, Any]) -> _L: ...
    @classmethod
    def from_json(cls: Type[_L], text: str) -> _L: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class SerumCreatinine(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> SerumCreatinine: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class CystatinC(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> CystatinC: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class UrineProtein24h(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> UrineProtein24h: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class Uacr(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> Uacr: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class Hba1c(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> Hba1c: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class FastingGlucose(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> FastingGlucose: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class Triglycerides(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> Triglycerides: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class LdlCholesterol(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> LdlCholesterol: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class HdlCholesterol(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> HdlCholesterol: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class TotalCholesterol(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> TotalCholesterol: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class Potassium(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> Potassium: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class SystolicBp(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> SystolicBp: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class DiastolicBp(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> DiastolicBp: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class Egfr(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> Egfr: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class CreatinineClearance(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> CreatinineClearance: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class UrineAlbumin(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> UrineAlbumin: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class UrineCreatinine(LabValue):
    ANALYTE: str
    def __new__(cls, value: SupportsFloat, unit: str) -> UrineCreatinine: ...
    @staticmethod
    def units() -> List[str]: ...

@final
class GfrEstimate:
    @property
    def equation(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def normalised(self) -> bool: ...
    def to_dict(self) -> Dict[str, Any]: ...

def parse_unit(text: str) -> str: ...
def analytes() -> List[Tuple[AnalyteSlug, str, str, List[str], float, float]]: ...
def lab_value(analyte: str, value: SupportsFloat, unit: str) -> LabValue: ...
def estimate_gfr(
    equation: str,
    *,
    age: float,
    sex: str,
    creatinine: Optional[LabValue] = None,
    cystatin_c: Optional[LabValue] = None,
    weight_kg: Optional[float] = None,
    black: bool = False,
) -> GfrEstimate: ...
def age_on(date_of_birth: Union[datetime.date, str], on: Union[datetime.date, str]) -> int: ...
def sex_codes_ucs4(cells: npt.NDArray[np.uint32], width: int) -> npt.NDArray[np.uint8]: ...
def sex_codes_bytes(cells: npt.NDArray[np.uint8], width: int) -> npt.NDArray[np.uint8]: ...
def sex_codes_objects(values: npt.NDArray[np.object_], column: str) -> npt.NDArray[np.uint8]: ...
def text_codes(
    values: npt.NDArray[np.object_], column: str, known: Optional[List[str]] = None
) -> Tuple[npt.NDArray[np.int64], List[str]]: ...
def sex_codes_ints(values: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]: ...
def sex_codes_floats(values: npt.NDArray[np.float64]) -> npt.NDArray[np.uint8]: ...
def sex_codes_female(female: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]: ...
def floats_from_objects(values: npt.NDArray[np.object_], column: str) -> npt.NDArray[np.float64]: ...
def flags_from_objects(values: npt.NDArray[np.object_], column: str) -> npt.NDArray[np.uint8]: ...
def egfr_arrow(
    table: Any,
    columns: List[Tuple[str, str]],
    sex_labels: List[Tuple[str, str]],
    equation: str,
    creatinine_unit: str,
    cystatin_c_unit: str,
    strict: bool,
    threads: int,
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]: ...
def table_columns(
    table: Any,
    specs: List[Tuple[str, str, Optional[List[str]]]],
    zone: Optional[Tuple[List[int], List[int]]] = None,
) -> Tuple[int, List[Any]]: ...
def egfr_mark_missing(
    codes: npt.NDArray[np.uint8], missing: List[Tuple[str, npt.NDArray[np.bool_]]], strict: bool = False
) -> None: ...
def egfr_units_to_canonical(
    column: str, values: npt.NDArray[np.float64], codes: npt.NDArray[np.int64], texts: List[str]
) -> Tuple[npt.NDArray[np.float64], str, npt.NDArray[np.uint8]]: ...
def egfr_mark_unit_errors(codes: npt.NDArray[np.uint8], column: str, unit_errors: npt.NDArray[np.uint8]) -> None: ...

@final
class SchemaArrow:
    def __arrow_c_schema__(self) -> object: ...
    def names(self) -> List[str]: ...

def screening_arrow_schema() -> SchemaArrow: ...
def screen_arrow(
    table: Any,
    config_json: Optional[str] = None,
    details: Optional[str] = None,
    zone: Optional[Tuple[List[int], List[int]]] = None,
) -> Tuple[
    List[Optional[str]], npt.NDArray[np.int8], List[Optional[str]], npt.NDArray[np.int8], Any
]: ...

@final
class ArrayArrow:
    def __len__(self) -> int: ...
    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...

@final
class TableArrow:
    def __new__(cls, columns: List[Tuple[str, str, Any, Optional[Any]]]) -> TableArrow: ...
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...
    def __arrow_c_schema__(self) -> object: ...

def egfr_columns(
    equation: str,
    age: npt.NDArray[np.float64],
    sex: npt.NDArray[np.uint8],
    creatinine: Optional[npt.NDArray[np.float64]],
    creatinine_unit: str,
    cystatin_c: Optional[npt.NDArray[np.float64]],
    cystatin_c_unit: str,
    weight_kg: Optional[npt.NDArray[np.float64]],
    black: Optional[npt.NDArray[np.uint8]],
    strict: bool,
    threads: int,
    kernel: str = "auto",
) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.uint8]]: ...
def batch_kernel() -> str: ...
def egfr_error_kinds() -> List[Tuple[int, str]]: ...
def equations() -> List[Tuple[EquationSlug, str, str, bool, int, int, List[str]]]: ...
STATUSES: List[str]
OUTCOMES: List[str]
_Quantity = Optional[Tuple[float, str]]
_Evidence = Tuple[str, Optional[str], _Quantity, _Quantity]
_Criterion = Tuple[CriterionIdSlug, CriterionKindSlug, OutcomeSlug, bool, str, List[_Evidence]]
def screen_record(
    record_json: str, config_json: Optional[str] = None
) -> Tuple[str, str, StatusSlug, str, List[_Criterion]]: ...
def screen_json(record_json: str, config_json: Optional[str] = None) -> str: ...
def criteria_list(
    config_json: Optional[str] = None,
) -> List[Tuple[CriterionIdSlug, CriterionKindSlug, str, List[Tuple[str, str]]]]: ...
def default_config_json() -> str: ...
def validate_record_json(record_json: str) -> None: ...
@final
class SyntheticRecords:
    def __new__(cls, seed: int) -> SyntheticRecords: ...
    def take(self, count: int) -> List[str]: ...

def _panic_for_test() -> None: ...
def screen_table(
    records_json: List[str], config_json: Optional[str] = None, details: Optional[str] = None
) -> Tuple[
    List[Optional[str]], npt.NDArray[np.int8], List[Optional[str]], npt.NDArray[np.int8], Any
]: ...
ASSESSMENTS: List[str]
VISIT_STATES: List[str]
def schedule_plan_json(plan_json: Optional[str] = None, readings_json: Optional[str] = None) -> str: ...
def schedule_calendar_json(
    day_one: str, planned: bool = False, plan_json: Optional[str] = None, readings_json: Optional[str] = None
) -> str: ...
def schedule_status_json(
    participant_json: str, on: str, plan_json: Optional[str] = None, readings_json: Optional[str] = None
) -> str: ...
def schedule_status_columns(
    ids: List[str],
    first_infusion: npt.NDArray[np.int32],
    planned_first_infusion: npt.NDArray[np.int32],
    screening_date: npt.NDArray[np.int32],
    participant: npt.NDArray[np.int64],
    day: npt.NDArray[np.int32],
    activity: npt.NDArray[np.int64],
    activities: List[str],
    on: str,
    plan_json: Optional[str] = None,
    readings_json: Optional[str] = None,
    names: Optional[List[str]] = None,
    left_study: Optional[npt.NDArray[np.int32]] = None,
    left_study_name: Optional[str] = None,
) -> Dict[str, Any]: ...
def schedule_status_table(
    participants_json: List[str], on: str, plan_json: Optional[str] = None, readings_json: Optional[str] = None
) -> Tuple[
    List[str],
    List[str],
    List[str],
    List[str],
    List[str],
    List[str],
    List[bool],
    List[Optional[str]],
    List[Optional[str]],
    List[str],
    List[int],
    List[bool],
]: ...
def schedule_ics(
    participant_json: str,
    on: str,
    participant: str,
    stamp: str,
    appointments: List[Tuple[str, str]],
    duration_minutes: int,
    reminder_days_before: Optional[int],
    plan_json: Optional[str] = None,
    readings_json: Optional[str] = None,
) -> str: ...

INSTRUMENT_ERROR_KINDS: List[str]

@final
class NativeInstrument:
    def __new__(cls, id: Optional[str] = None, definition_json: Optional[str] = None) -> "NativeInstrument": ...
    def with_translation(self, text: str) -> "NativeInstrument": ...
    def default_rules_json(self) -> str: ...
    def definition_json(self) -> str: ...
    def view_json(self, language: str) -> str: ...
    def translation_template_json(self, language: str) -> str: ...
    def fhir_questionnaire_json(self, language: str) -> str: ...
    def score_json(self, answers: Mapping[str, Any], rules_json: Optional[str] = None) -> str: ...
    def score_columns(
        self, items: List[str], columns: List[List[Any]], rules_json: Optional[str] = None
    ) -> Dict[str, List[Any]]: ...
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    def item_ids(self) -> List[str]: ...

@final
class NativeSession:
    @staticmethod
    def start(
        instrument: NativeInstrument, participant: str, visit: str, language: str, at: str
    ) -> "NativeSession": ...
    @staticmethod
    def resume(instrument: NativeInstrument, saved: str) -> "NativeSession": ...
    @staticmethod
    def load(instrument: NativeInstrument, path: str) -> Tuple["NativeSession", Optional[str]]: ...
    def answer(self, item: str, value: Any, at: str) -> None: ...
    def not_applicable(self, item: str, at: str) -> None: ...
    def skip(self, item: str, at: str) -> None: ...
    def clear(self, item: str, at: str) -> None: ...
    def complete_json(self, at: str, rules_json: Optional[str] = None) -> str: ...
    def scores_json(self, rules_json: Optional[str] = None) -> str: ...
    def progress_json(self) -> str: ...
    def audit_json(self) -> str: ...
    def answers_json(self) -> str: ...
    def status(self) -> str: ...
    def to_json(self) -> str: ...
    def save(self, path: str) -> None: ...
    def fhir_response_json(self) -> str: ...
    def flat_json(self, rules_json: Optional[str] = None) -> str: ...

def instrument_efficacy_json(pre: float, post: float, thresholds_json: Optional[str] = None) -> str: ...

def endpoints_derive_json(
    timelines: List[str],
    config_json: Optional[str] = None,
    plan_json: Optional[str] = None,
    readings_json: Optional[str] = None,
) -> str: ...
def endpoints_report_json(
    participants_json: str,
    config_json: Optional[str] = None,
    plan_json: Optional[str] = None,
    readings_json: Optional[str] = None,
) -> str: ...
def endpoints_csv(participants_json: str) -> Tuple[str, str]: ...
def endpoints_lab_table(
    subject_columns: Tuple[
        List[str], List[str], npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32],
        npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.int32],
    ],
    lab_columns: Tuple[
        npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64], List[str], npt.NDArray[np.float64],
        npt.NDArray[np.int64], List[str],
    ],
    config_json: Optional[str] = None,
    plan_json: Optional[str] = None,
    readings_json: Optional[str] = None,
) -> Dict[str, Any]: ...
def stats_summarise_json(values: List[Optional[float]], level: float = 0.95, quantile_method: str = "type7") -> str: ...
def stats_wilson(events: int, n: int, level: float = 0.95) -> Tuple[Optional[float], Optional[float], Optional[float]]: ...
def stats_kaplan_meier_json(times: List[float], events: List[bool], level: float = 0.95, interval: str = "log_log") -> str: ...
def stats_t_quantile(p: float, df: float) -> float: ...
CRITERION_IDS: List[CriterionIdSlug]
def omop_concept_sets_json() -> str: ...
_OmopColumns = List[Tuple[str, Optional[Any]]]
def omop_prescreen(
    person: _OmopColumns,
    observation_period: Optional[_OmopColumns],
    measurement: Optional[_OmopColumns],
    condition_occurrence: Optional[_OmopColumns],
    drug_exposure: Optional[_OmopColumns],
    procedure_occurrence: Optional[_OmopColumns],
    concept: Optional[_OmopColumns],
    concept_ancestor: Optional[_OmopColumns],
    as_of: str,
    concept_sets: Optional[str] = None,
    config: Optional[str] = None,
) -> Dict[str, Any]: ...
def omop_synthetic(seed: int, count: int, complete: bool = False) -> Dict[str, Dict[str, Any]]: ...
