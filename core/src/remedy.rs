//! What a caller can do about an error of core, whatever its concern.
//!
//! Core keeps one rich error per concern (`lab::LabError`, `schedule::ScheduleError`, …). Each
//! binding shows its users a small error per action they can take (application-services'
//! two-layer shape, `shared/STYLE.md`; ADR 0003, 0008): fix the input, or fix the
//! configuration. Which of the two an error calls for is a rule of the protocol's data (a visit
//! plan is configuration, a participant's dates are input), so it is decided here, once, by
//! [`ReportedError::remedy`]; the bindings convert every error through this trait and decide
//! nothing themselves.

use crate::demographics::DemographicsError;
use crate::egfr::EgfrError;
use crate::eligibility::{ConfigError, RecordError, ScreeningError};
use crate::endpoints::EndpointError;
use crate::instrument::InstrumentError;
use crate::lab::LabError;
use crate::schedule::ScheduleError;

/// What the caller must fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Remedy {
    /// The data given: a value, a unit, a date, a record's field, a JSON text.
    FixInput,
    /// The configuration: the protocol's thresholds and readings, a visit plan, an instrument's
    /// definition or translation.
    FixConfiguration,
}

/// What every error of core tells a caller: a stable kind, the field it is about and what to
/// fix. The message (its `Display`) never holds a value of a person.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::remedy::{Remedy, ReportedError};
/// use amimestrocel_dkd::schedule::ScheduleConfig;
/// let err = ScheduleConfig::from_json("{}").unwrap_err();
/// assert_eq!(ReportedError::remedy(&err), Remedy::FixConfiguration);
/// assert_eq!(ReportedError::kind(&err), "invalid_config");
/// ```
pub trait ReportedError: std::error::Error {
    /// The stable snake_case kind (`unknown_unit`, `invalid_config`), the same in every language.
    fn kind(&self) -> &'static str;
    /// The field the error is about (`labs.uacr[1].date`), or "" when the input is not a field.
    fn path(&self) -> &str {
        ""
    }
    /// What the caller must fix.
    fn remedy(&self) -> Remedy {
        Remedy::FixInput
    }
}

/// A value given outside any record (a lab value, an age, an eGFR input): fix the input; no field.
macro_rules! input_without_field {
    ($($error:ty),*) => {$(
        impl ReportedError for $error {
            fn kind(&self) -> &'static str {
                <$error>::kind(self)
            }
        }
    )*};
}
input_without_field!(LabError, DemographicsError, EgfrError);

// A screening record's field: fix the input, at its path.
impl ReportedError for RecordError {
    fn kind(&self) -> &'static str {
        RecordError::kind(self)
    }
    fn path(&self) -> &str {
        RecordError::path(self)
    }
}

// The screening configuration: fix it, at the field.
impl ReportedError for ConfigError {
    fn kind(&self) -> &'static str {
        "invalid_config"
    }
    fn path(&self) -> &str {
        &self.field
    }
    fn remedy(&self) -> Remedy {
        Remedy::FixConfiguration
    }
}

impl ReportedError for ScreeningError {
    fn kind(&self) -> &'static str {
        ScreeningError::kind(self)
    }
    fn path(&self) -> &str {
        match self {
            ScreeningError::Record(e) => ReportedError::path(e),
            ScreeningError::Config(e) => ReportedError::path(e),
        }
    }
    fn remedy(&self) -> Remedy {
        match self {
            ScreeningError::Record(e) => e.remedy(),
            ScreeningError::Config(e) => e.remedy(),
        }
    }
}

// A visit plan or its readings is configuration; a participant's dates and observations, and a
// visit beyond the dates the library represents, are input.
impl ReportedError for ScheduleError {
    fn kind(&self) -> &'static str {
        ScheduleError::kind(self)
    }
    fn path(&self) -> &str {
        ScheduleError::path(self)
    }
    fn remedy(&self) -> Remedy {
        match self {
            ScheduleError::Config { .. } => Remedy::FixConfiguration,
            ScheduleError::Input { .. } | ScheduleError::DateOutOfRange { .. } => Remedy::FixInput,
        }
    }
}

// An instrument's definition, translation or scoring readings is configuration; an answer, a
// saved session or a file is input.
impl ReportedError for InstrumentError {
    fn kind(&self) -> &'static str {
        InstrumentError::kind(self)
    }
    fn path(&self) -> &str {
        InstrumentError::path(self)
    }
    fn remedy(&self) -> Remedy {
        if self.is_configuration() {
            Remedy::FixConfiguration
        } else {
            Remedy::FixInput
        }
    }
}

// The endpoints' configuration is configuration; a timeline or a statistic's input is input; a
// calendar that could not be built is as the schedule says.
impl ReportedError for EndpointError {
    fn kind(&self) -> &'static str {
        EndpointError::kind(self)
    }
    fn path(&self) -> &str {
        EndpointError::path(self)
    }
    fn remedy(&self) -> Remedy {
        match self {
            EndpointError::Schedule(inner) => inner.remedy(),
            EndpointError::InvalidConfig { .. } => Remedy::FixConfiguration,
            _ => Remedy::FixInput,
        }
    }
}

// A date or a line of text given where one is read: fix the input.
impl ReportedError for crate::date::DateError {
    fn kind(&self) -> &'static str {
        crate::date::DateError::kind(*self)
    }
}

impl ReportedError for crate::jsonl::LineError {
    fn kind(&self) -> &'static str {
        crate::jsonl::LineError::kind(self)
    }
}

// A medication table (names, classes and ATC codes the criteria read) is configuration.
impl ReportedError for crate::eligibility::medications::TableError {
    fn kind(&self) -> &'static str {
        "invalid_medication_table"
    }
    fn remedy(&self) -> Remedy {
        Remedy::FixConfiguration
    }
}

// OMOP concept sets are configuration, and so is a pre-screen that cannot run (its protocol
// configuration or its concept sets); a row of an OMOP table is input.
impl ReportedError for crate::omop::ConceptSetError {
    fn kind(&self) -> &'static str {
        crate::omop::ConceptSetError::kind(self)
    }
    fn path(&self) -> &str {
        match self {
            crate::omop::ConceptSetError::Malformed { path, .. } => path,
            _ => "",
        }
    }
    fn remedy(&self) -> Remedy {
        Remedy::FixConfiguration
    }
}

impl ReportedError for crate::omop::PrescreenError {
    fn kind(&self) -> &'static str {
        crate::omop::PrescreenError::kind(self)
    }
    fn path(&self) -> &str {
        match self {
            crate::omop::PrescreenError::Config(e) => ReportedError::path(e),
            crate::omop::PrescreenError::ConceptSets(e) => ReportedError::path(e),
        }
    }
    fn remedy(&self) -> Remedy {
        Remedy::FixConfiguration
    }
}

impl ReportedError for crate::omop::RowError {
    fn kind(&self) -> &'static str {
        self.problem.kind()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::ProtocolConfig;

    #[test]
    fn a_screening_error_is_fixed_where_it_arose() {
        let config = ProtocolConfig::from_json(r#"{"uacr_lookback_days": -1}"#).unwrap_err();
        let screening = ScreeningError::Config(config);
        assert_eq!(screening.remedy(), Remedy::FixConfiguration);
        assert_eq!(ReportedError::path(&screening), "uacr_lookback_days");
        let record = ScreeningError::Record(RecordError::AfterScreening { path: "labs.uacr[0].date".into() });
        assert_eq!((record.remedy(), ReportedError::path(&record)), (Remedy::FixInput, "labs.uacr[0].date"));
    }

    #[test]
    fn an_endpoint_error_from_the_schedule_keeps_the_schedules_remedy() {
        let plan = EndpointError::Schedule(ScheduleError::Config { path: "visits".into(), reason: "x".into() });
        assert_eq!(plan.remedy(), Remedy::FixConfiguration);
        let dates = EndpointError::Schedule(ScheduleError::Input { path: "first_infusion".into(), reason: "x".into() });
        assert_eq!(dates.remedy(), Remedy::FixInput);
        assert_eq!(EndpointError::value("labs[0].value", "negative").remedy(), Remedy::FixInput);
    }

    #[test]
    fn reference_tables_and_concept_sets_are_configuration_dates_and_lines_are_input() {
        let table = crate::eligibility::medications::MedicationTable::parse("not a table").unwrap_err();
        assert_eq!(
            (table.remedy(), ReportedError::kind(&table)),
            (Remedy::FixConfiguration, "invalid_medication_table")
        );
        let sets = crate::omop::ConceptSets::from_json(r#"{"version": 1}"#).unwrap_err();
        assert_eq!((sets.remedy(), ReportedError::path(&sets)), (Remedy::FixConfiguration, "version"));
        let prescreen = crate::omop::PrescreenError::from(sets);
        assert_eq!((prescreen.remedy(), ReportedError::path(&prescreen)), (Remedy::FixConfiguration, "version"));
        let date = crate::date::parse_iso_date("2025-02-30").unwrap_err();
        assert_eq!((date.remedy(), ReportedError::kind(&date)), (Remedy::FixInput, "no_such_date"));
        let line = crate::jsonl::LineError::NotUtf8 { line: 3 };
        assert_eq!((line.remedy(), ReportedError::kind(&line)), (Remedy::FixInput, "not_utf8"));
    }

    #[test]
    fn values_given_outside_a_record_are_input_without_a_field() {
        let lab = LabError::UnknownAnalyte { name: "x".into() };
        assert_eq!((lab.remedy(), ReportedError::path(&lab)), (Remedy::FixInput, ""));
        let sex = DemographicsError::UnknownSex { text: "x".into() };
        assert_eq!(sex.remedy(), Remedy::FixInput);
    }
}
