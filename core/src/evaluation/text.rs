//! Reasons and field paths kept as data and rendered only when read (`Display`, JSON), so that
//! screening a record allocates almost nothing: a reason is a static template with `{}`
//! placeholders and its arguments.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use smallvec::SmallVec;
use std::fmt;
use std::num::NonZeroU32;

use super::{write_threshold, Bound, Threshold};
use crate::egfr::EgfrEquation;
use crate::lab::{AnalyteKind, Unit};

/// One argument of a [`Reason`]. Kept to 16 bytes (a tag and at most 8 bytes of payload, or a
/// threshold's bound and unit beside the tag), because a screening makes 23 reasons per record,
/// and `Copy`: text that has to be owned lives beside the arguments, in the reason, so that
/// dropping a reason does not look at each argument.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// An analyte, by its readable name.
    Analyte(AnalyteKind),
    /// An eGFR equation, by its slug.
    Equation(EgfrEquation),
    /// A threshold (`> 1000 mg/g`), by its parts.
    Threshold(Bound, Unit, f64),
    /// A phrase with one number (`a stroke within {} months`).
    Phrase(&'static str, u32),
    /// Text that has to be owned (a medication name as entered, an error message): the
    /// reason's owned text of this number.
    Owned(u32),
    /// Another reason, rendered in place: the reason's nested reason of this number.
    Nested(u32),
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
impl<A: crate::lab::Analyte> From<Threshold<A>> for Arg {
    fn from(t: Threshold<A>) -> Self {
        Arg::Threshold(t.bound(), t.unit(), t.value())
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
/// What `reason!` accepts as an argument: anything that converts to an [`Arg`], owned text and
/// other reasons (kept beside the arguments).
pub(crate) trait IntoArg {
    /// Appends `self` to the reason's arguments.
    fn push_to(self, reason: &mut Reason);
}

impl<T: Into<Arg>> IntoArg for T {
    fn push_to(self, reason: &mut Reason) {
        reason.args.push(self.into());
    }
}

impl IntoArg for String {
    fn push_to(self, reason: &mut Reason) {
        let extra = reason.extra.get_or_insert_with(Box::default);
        let n = u32::try_from(extra.owned.len()).unwrap_or(u32::MAX);
        extra.owned.push(self);
        reason.args.push(Arg::Owned(n));
    }
}

impl IntoArg for Reason {
    fn push_to(self, reason: &mut Reason) {
        let extra = reason.extra.get_or_insert_with(Box::default);
        let n = u32::try_from(extra.nested.len()).unwrap_or(u32::MAX);
        extra.nested.push(self);
        reason.args.push(Arg::Nested(n));
    }
}

impl Arg {
    /// Writes the argument; owned text and nested reasons come from `reason`, whose argument
    /// this is.
    fn render(&self, f: &mut fmt::Formatter<'_>, reason: &Reason) -> fmt::Result {
        match self {
            Arg::Text(s) => f.write_str(s),
            Arg::Int(n) => write!(f, "{n}"),
            Arg::Num(x) => write!(f, "{}", (x * 100.0).round() / 100.0),
            Arg::Date(d) => write!(f, "{d}"),
            Arg::Unit(u) => f.write_str(u.as_str()),
            Arg::Analyte(a) => f.write_str(a.label()),
            Arg::Equation(e) => f.write_str(e.slug()),
            Arg::Threshold(bound, unit, value) => write_threshold(f, *bound, *value, *unit),
            Arg::Phrase(template, n) => {
                let (before, after) = template.split_once("{}").unwrap_or((template, ""));
                write!(f, "{before}{n}{after}")
            }
            Arg::Owned(n) => {
                let text = reason.extra.as_ref().and_then(|e| e.owned.get(*n as usize));
                f.write_str(text.map_or("", String::as_str))
            }
            Arg::Nested(n) => match reason.extra.as_ref().and_then(|e| e.nested.get(*n as usize)) {
                Some(nested) => write!(f, "{nested}"),
                None => Ok(()),
            },
        }
    }
}

/// Why a criterion came out as it did: a template and its arguments, rendered on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    template: &'static str,
    args: SmallVec<[Arg; 6]>,
    /// Owned text and nested reasons, for the rare reasons that have them.
    extra: Option<Box<Extra>>,
}

/// The owned arguments of a [`Reason`]. Nested reasons are kept in the box itself (a reason
/// nests at most two, the hyperlipidaemia criterion's), so that nesting allocates once; the
/// box is then about 300 bytes, also for the rare reason that only owns text.
#[derive(Debug, Clone, Default, PartialEq)]
struct Extra {
    owned: Vec<String>,
    nested: SmallVec<[Reason; 2]>,
}

impl Reason {
    /// A reason from a template with `{}` placeholders, one per argument.
    pub fn new(template: &'static str, args: SmallVec<[Arg; 6]>) -> Self {
        Reason { template, args, extra: None }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = self.template.split("{}");
        if let Some(first) = parts.next() {
            f.write_str(first)?;
        }
        let mut args = self.args.iter();
        for part in parts {
            if let Some(arg) = args.next() {
                arg.render(f, self)?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// `reason!("Latest {} is {}.", label, value)`: a [`Reason`] from a template and arguments.
macro_rules! reason {
    ($template:literal $(, $arg:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut reason = $crate::evaluation::text::Reason::new($template, smallvec::SmallVec::new());
        $($crate::evaluation::text::IntoArg::push_to($arg, &mut reason);)*
        reason
    }};
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
