//! Reasons and field paths kept as data and rendered only when read (`Display`, JSON), so that
//! screening a record allocates almost nothing: a reason is a static template with `{}`
//! placeholders and its arguments.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use smallvec::SmallVec;
use std::fmt;
use std::num::NonZeroU32;

use super::config::{Bound, Threshold};
use super::record::ConditionKind;
use crate::egfr::EgfrEquation;
use crate::lab::{AnalyteKind, Unit};

/// One argument of a [`Reason`]. Kept to 16 bytes (a tag and at most 8 bytes of payload, or a
/// threshold's bound and unit beside the tag), because a screening moves 23 reasons per record.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Static text (a reference to a `&'static str`, so that it takes 8 bytes, not 16).
    Text(&'static &'static str),
    /// A whole number.
    Int(i64),
    /// A measured or computed number, shown to two decimals at most.
    Num(f64),
    /// A date.
    Date(NaiveDate),
    /// A unit.
    Unit(Unit),
    /// An analyte, by its readable name.
    Analyte(AnalyteKind),
    /// An eGFR equation, by its slug.
    Equation(EgfrEquation),
    /// A threshold (`> 1000 mg/g`), by its parts.
    Threshold(Bound, Unit, f64),
    /// A condition of the history, by its readable name.
    Condition(ConditionKind),
    /// A phrase with one number (`a stroke within {} months`).
    Phrase(&'static &'static str, u32),
    /// Text that has to be owned (a medication name as entered, an error message).
    Owned(Box<String>),
    /// Another reason, rendered in place.
    Nested(Box<Reason>),
}

impl From<&'static &'static str> for Arg {
    fn from(s: &'static &'static str) -> Self {
        Arg::Text(s)
    }
}
impl From<NaiveDate> for Arg {
    fn from(d: NaiveDate) -> Self {
        Arg::Date(d)
    }
}
impl From<Unit> for Arg {
    fn from(u: Unit) -> Self {
        Arg::Unit(u)
    }
}
impl From<AnalyteKind> for Arg {
    fn from(a: AnalyteKind) -> Self {
        Arg::Analyte(a)
    }
}
impl From<EgfrEquation> for Arg {
    fn from(e: EgfrEquation) -> Self {
        Arg::Equation(e)
    }
}
impl From<Threshold> for Arg {
    fn from(t: Threshold) -> Self {
        Arg::Threshold(t.bound, t.unit, t.value)
    }
}
impl From<f64> for Arg {
    fn from(x: f64) -> Self {
        Arg::Num(x)
    }
}
impl From<u32> for Arg {
    fn from(x: u32) -> Self {
        Arg::Int(i64::from(x))
    }
}
impl From<i64> for Arg {
    fn from(x: i64) -> Self {
        Arg::Int(x)
    }
}
impl From<usize> for Arg {
    fn from(x: usize) -> Self {
        Arg::Int(i64::try_from(x).unwrap_or(i64::MAX))
    }
}
impl From<ConditionKind> for Arg {
    fn from(c: ConditionKind) -> Self {
        Arg::Condition(c)
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Owned(Box::new(s))
    }
}
impl From<Reason> for Arg {
    fn from(r: Reason) -> Self {
        Arg::Nested(Box::new(r))
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Text(s) => f.write_str(s),
            Arg::Int(n) => write!(f, "{n}"),
            Arg::Num(x) => write!(f, "{}", (x * 100.0).round() / 100.0),
            Arg::Date(d) => write!(f, "{d}"),
            Arg::Unit(u) => f.write_str(u.as_str()),
            Arg::Analyte(a) => f.write_str(a.label()),
            Arg::Equation(e) => f.write_str(e.slug()),
            Arg::Threshold(bound, unit, value) => write!(f, "{}", Threshold::new(*bound, *value, *unit)),
            Arg::Condition(c) => {
                let name = serde_json::to_value(c).ok();
                let name = name.as_ref().and_then(|v| v.as_str()).unwrap_or("condition");
                f.write_str(&name.replace('_', " "))
            }
            Arg::Phrase(template, n) => fill(f, template, std::iter::once(&Arg::Int(i64::from(*n)))),
            Arg::Owned(s) => f.write_str(s.as_str()),
            Arg::Nested(r) => write!(f, "{r}"),
        }
    }
}

fn fill<'a>(f: &mut fmt::Formatter<'_>, template: &str, mut args: impl Iterator<Item = &'a Arg>) -> fmt::Result {
    let mut parts = template.split("{}");
    if let Some(first) = parts.next() {
        f.write_str(first)?;
    }
    for part in parts {
        if let Some(arg) = args.next() {
            write!(f, "{arg}")?;
        }
        f.write_str(part)?;
    }
    Ok(())
}

/// Why a criterion came out as it did: a template and its arguments, rendered on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    template: &'static str,
    args: SmallVec<[Arg; 6]>,
}

impl Reason {
    /// A reason from a template with `{}` placeholders, one per argument.
    pub fn new(template: &'static str, args: SmallVec<[Arg; 6]>) -> Self {
        Reason { template, args }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fill(f, self.template, self.args.iter())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `reason!("Latest {} is {}.", label, value)`: a [`Reason`] from a template and arguments.
macro_rules! reason {
    ($template:literal $(, $arg:expr)* $(,)?) => {
        $crate::eligibility::text::Reason::new($template, smallvec::smallvec![$($crate::eligibility::text::Arg::from($arg)),*])
    };
}
pub(crate) use reason;

/// A field path in the record (`labs.uacr[2]`, `blood_pressures[0].systolic`). 24 bytes: the
/// path, an index, and a [`Detail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    path: &'static str,
    /// The list index plus one (so that `None` takes no room), saturating.
    index: Option<NonZeroU32>,
    detail: Detail,
}

/// What a [`Field`] adds after its path: a sub-field of a list element (`.systolic`) or a
/// qualified name (`egfr (ckd_epi_2021_cr)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Nothing.
    None,
    /// `.systolic` of a blood pressure reading.
    Systolic,
    /// `.diastolic` of a blood pressure reading.
    Diastolic,
    /// The equation of a computed eGFR.
    Equation(EgfrEquation),
}

impl Detail {
    fn as_str(self) -> Option<&'static str> {
        match self {
            Detail::None => None,
            Detail::Systolic => Some("systolic"),
            Detail::Diastolic => Some("diastolic"),
            Detail::Equation(e) => Some(e.slug()),
        }
    }
}

impl Field {
    /// A top-level field.
    pub fn named(path: &'static str) -> Self {
        Field { path, index: None, detail: Detail::None }
    }
    /// An element of a list.
    pub fn item(path: &'static str, index: usize) -> Self {
        let one_based = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(1);
        Field { path, index: NonZeroU32::new(one_based), detail: Detail::None }
    }
    /// A sub-field of an element (`.systolic`) or a qualified name (`egfr (ckd_epi_2021_cr)`).
    pub fn with_detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)?;
        if let Some(i) = self.index {
            write!(f, "[{}]", i.get() - 1)?;
        }
        match (self.detail.as_str(), self.index) {
            (Some(d), Some(_)) => write!(f, ".{d}"),
            (Some(d), None) => write!(f, " ({d})"),
            (None, _) => Ok(()),
        }
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
