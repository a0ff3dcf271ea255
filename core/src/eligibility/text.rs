//! Reasons and field paths kept as data and rendered only when read (`Display`, JSON), so that
//! screening a record allocates almost nothing: a reason is a static template with `{}`
//! placeholders and its arguments.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use smallvec::SmallVec;
use std::fmt;

use super::config::Threshold;
use super::record::ConditionKind;
use crate::lab::Unit;

/// One argument of a [`Reason`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Static text.
    Text(&'static str),
    /// A whole number.
    Int(i64),
    /// A measured or computed number, shown to two decimals at most.
    Num(f64),
    /// A date.
    Date(NaiveDate),
    /// A unit.
    Unit(Unit),
    /// A threshold (`> 1000 mg/g`).
    Threshold(Threshold),
    /// A condition of the history, by its readable name.
    Condition(ConditionKind),
    /// A phrase with one number (`a stroke within {} months`).
    Phrase(&'static str, u32),
    /// Text that has to be owned (a medication name as entered, an error message).
    Owned(String),
    /// Another reason, rendered in place.
    Nested(Box<Reason>),
}

impl From<&'static str> for Arg {
    fn from(s: &'static str) -> Self {
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
impl From<Threshold> for Arg {
    fn from(t: Threshold) -> Self {
        Arg::Threshold(t)
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
        Arg::Owned(s)
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
            Arg::Threshold(t) => write!(f, "{t}"),
            Arg::Condition(c) => {
                let name = serde_json::to_value(c).ok();
                let name = name.as_ref().and_then(|v| v.as_str()).unwrap_or("condition");
                f.write_str(&name.replace('_', " "))
            }
            Arg::Phrase(template, n) => fill(f, template, std::iter::once(&Arg::Int(i64::from(*n)))),
            Arg::Owned(s) => f.write_str(s),
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

/// A field path in the record (`labs.uacr[2]`, `blood_pressures[0].systolic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    path: &'static str,
    index: Option<u32>,
    detail: Option<&'static str>,
}

impl Field {
    /// A top-level field.
    pub fn named(path: &'static str) -> Self {
        Field { path, index: None, detail: None }
    }
    /// An element of a list.
    pub fn item(path: &'static str, index: usize) -> Self {
        Field { path, index: Some(u32::try_from(index).unwrap_or(u32::MAX)), detail: None }
    }
    /// A sub-field of an element (`.systolic`) or a qualified name (`egfr (ckd_epi_2021_cr)`).
    pub fn with_detail(mut self, detail: &'static str) -> Self {
        self.detail = Some(detail);
        self
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path)?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        match (self.detail, self.index) {
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
