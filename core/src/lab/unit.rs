//! Units as labs write them, parsed once where data enters.
//!
//! Every unit a lab value may carry is one [`Unit`] variant. [`Unit::parse`] accepts the
//! spellings labs print (`mg/dL`, `µmol/L` with either micro sign, `umol/L`, `g/24h`, …) and the
//! UCUM case-sensitive codes (`mg/dL`, `umol/L`, `g/(24.h)`, `mm[Hg]`, `mL/min/{1.73_m2}`, …).
//! Source for the UCUM codes: *The Unified Code for Units of Measure*, version 2.1,
//! Regenstrief Institute, <https://ucum.org/ucum>.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use super::LabError;

/// A unit of measure that some lab value of the protocol accepts.
///
/// The canonical spelling ([`Unit::as_str`]) is what serialisation writes; [`Unit::ucum`] gives
/// the UCUM code.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::lab::Unit;
/// assert_eq!(Unit::parse("µmol/L").unwrap(), Unit::MicromolePerLiter);
/// assert_eq!(Unit::parse("umol/l").unwrap(), Unit::MicromolePerLiter);
/// assert_eq!(Unit::parse("mm[Hg]").unwrap(), Unit::MillimeterOfMercury);
/// assert!(Unit::parse("furlongs").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// mg/dL
    MilligramPerDeciliter,
    /// mg/L
    MilligramPerLiter,
    /// g/L
    GramPerLiter,
    /// µmol/L
    MicromolePerLiter,
    /// mmol/L
    MillimolePerLiter,
    /// mEq/L (equal to mmol/L for a monovalent ion such as potassium)
    MilliequivalentPerLiter,
    /// g/24h (grams excreted per 24 hours)
    GramPer24Hours,
    /// mg/24h
    MilligramPer24Hours,
    /// mg/g (mg albumin per g creatinine)
    MilligramPerGram,
    /// mg/mmol (mg albumin per mmol creatinine)
    MilligramPerMillimole,
    /// % (HbA1c as NGSP/DCCT percent)
    Percent,
    /// mmol/mol (HbA1c as IFCC units)
    MillimolePerMole,
    /// mmHg
    MillimeterOfMercury,
    /// kPa
    Kilopascal,
    /// mL/min/1.73m² (GFR normalised to body-surface area)
    MilliliterPerMinutePer173SquareMeter,
    /// mL/s/1.73m² (SI GFR, normalised)
    MilliliterPerSecondPer173SquareMeter,
    /// mL/min (clearance, not normalised)
    MilliliterPerMinute,
}

/// Declares the unit table once, and from it the exact-spelling match of the fast path.
macro_rules! unit_table {
    ($(($unit:ident, $canonical:literal, $ucum:literal, [$($alias:literal),*])),* $(,)?) => {
        const TABLE: &[(Unit, &str, &str, &[&str])] = &[$((Unit::$unit, $canonical, $ucum, &[$($alias),*])),*];

        /// The unit of an exact canonical spelling or UCUM code (or `μmol/L` with the Greek
        /// letter mu, which Chinese lab systems often print), with that spelling as a static
        /// string. A `match` on literals compiles to a test of the length and inline
        /// comparisons, without a call per candidate.
        #[allow(unreachable_patterns)] // a canonical spelling that is also its UCUM code
        pub(super) fn exact(text: &str) -> Option<(Unit, &'static str)> {
            match text {
                $($canonical => Some((Unit::$unit, $canonical)), $ucum => Some((Unit::$unit, $ucum)),)*
                "μmol/L" => Some((Unit::MicromolePerLiter, "μmol/L")),
                _ => None,
            }
        }
    };
}

// (variant, canonical spelling, UCUM code, further accepted spellings in normalised form)
unit_table![
    (MilligramPerDeciliter, "mg/dL", "mg/dL", []),
    (MilligramPerLiter, "mg/L", "mg/L", []),
    (GramPerLiter, "g/L", "g/L", []),
    (MicromolePerLiter, "µmol/L", "umol/L", []),
    (MillimolePerLiter, "mmol/L", "mmol/L", []),
    // `10*-3.eq/L`: the concept code of OMOP's unit concept 9557 (milliequivalent per liter),
    // UCUM's spelling of the same unit with the prefix written as a power of ten.
    (MilliequivalentPerLiter, "mEq/L", "meq/L", ["10*-3.eq/l"]),
    (GramPer24Hours, "g/24h", "g/(24.h)", ["g/d", "g/day", "g/24hr", "g/24hours"]),
    (MilligramPer24Hours, "mg/24h", "mg/(24.h)", ["mg/d", "mg/day", "mg/24hr", "mg/24hours"]),
    (MilligramPerGram, "mg/g", "mg/g{creat}", ["mg/gcr", "mg/gcreat", "mg/g{creat}"]),
    (MilligramPerMillimole, "mg/mmol", "mg/mmol{creat}", ["mg/mmolcr", "mg/mmolcreat", "mg/mmol{creat}"]),
    (Percent, "%", "%", ["%(ngsp)", "%ngsp", "%(dcct)"]),
    (MillimolePerMole, "mmol/mol", "mmol/mol", ["mmol/mol(ifcc)"]),
    (MillimeterOfMercury, "mmHg", "mm[Hg]", []),
    (Kilopascal, "kPa", "kPa", []),
    (
        MilliliterPerMinutePer173SquareMeter,
        "mL/min/1.73m²",
        "mL/min/{1.73_m2}",
        ["ml/min/1.73m2", "ml/min/{1.73_m2}", "ml/min/1.73sqm", "ml/min/1.73m^2"]
    ),
    (
        MilliliterPerSecondPer173SquareMeter,
        "mL/s/1.73m²",
        "mL/s/{1.73_m2}",
        ["ml/s/1.73m2", "ml/s/{1.73_m2}", "ml/s/1.73m^2"]
    ),
    (MilliliterPerMinute, "mL/min", "mL/min", []),
];

/// Folds the spellings labs use onto one key: no white space, lower case, `u` for both micro
/// signs (U+00B5 and U+03BC), `2` for a superscript two.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'µ' | 'μ' => 'u',
            '²' => '2',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every accepted spelling, normalised, with its unit: built once.
fn normalised_keys() -> &'static [(String, Unit)] {
    static KEYS: std::sync::OnceLock<Vec<(String, Unit)>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        TABLE
            .iter()
            .flat_map(|(unit, canonical, ucum, aliases)| {
                [normalise(canonical), normalise(ucum)]
                    .into_iter()
                    .chain(aliases.iter().map(|a| (*a).to_owned()))
                    .map(move |k| (k, *unit))
            })
            .collect()
    })
}

impl Unit {
    /// Every unit, in declaration order.
    pub const ALL: [Unit; 17] = [
        Unit::MilligramPerDeciliter,
        Unit::MilligramPerLiter,
        Unit::GramPerLiter,
        Unit::MicromolePerLiter,
        Unit::MillimolePerLiter,
        Unit::MilliequivalentPerLiter,
        Unit::GramPer24Hours,
        Unit::MilligramPer24Hours,
        Unit::MilligramPerGram,
        Unit::MilligramPerMillimole,
        Unit::Percent,
        Unit::MillimolePerMole,
        Unit::MillimeterOfMercury,
        Unit::Kilopascal,
        Unit::MilliliterPerMinutePer173SquareMeter,
        Unit::MilliliterPerSecondPer173SquareMeter,
        Unit::MilliliterPerMinute,
    ];

    fn row(self) -> &'static (Unit, &'static str, &'static str, &'static [&'static str]) {
        // TABLE lists every variant exactly once, in the order of `ALL` (checked by a test).
        &TABLE[self as usize]
    }

    /// Parses a unit as a lab or a UCUM code writes it.
    ///
    /// Matching ignores white space and case, and treats `µ`, `μ` and `u` alike.
    ///
    /// # Errors
    /// [`LabError::UnknownUnit`] when the text names no unit this library knows.
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::lab::Unit;
    /// assert_eq!(Unit::parse("g/(24.h)").unwrap(), Unit::GramPer24Hours);
    /// assert_eq!(Unit::parse(" mL/min/1.73 m2 ").unwrap(), Unit::MilliliterPerMinutePer173SquareMeter);
    /// ```
    pub fn parse(text: &str) -> Result<Unit, LabError> {
        // Fast path, no allocation: the canonical spelling or the UCUM code, exactly.
        if let Some((unit, _)) = exact(text) {
            return Ok(unit);
        }
        let key = normalise(text);
        normalised_keys()
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, unit)| *unit)
            .ok_or_else(|| LabError::UnknownUnit { unit: text.to_owned(), analyte: None })
    }

    /// The canonical spelling, as serialisation writes it.
    pub fn as_str(self) -> &'static str {
        self.row().1
    }

    /// The UCUM code (case-sensitive form), with `{creat}` annotations for creatinine ratios.
    pub fn ucum(self) -> &'static str {
        self.row().2
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::parse(s)
    }
}

impl Serialize for Unit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Unit::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_spelling_and_ucum_code_parses_to_its_unit() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.as_str()).unwrap(), unit, "{}", unit.as_str());
            assert_eq!(Unit::parse(unit.ucum()).unwrap(), unit, "{}", unit.ucum());
        }
        // Both micro signs, and the 16-byte UCUM code of eGFR.
        assert_eq!(Unit::parse("μmol/L").unwrap(), Unit::MicromolePerLiter);
        assert_eq!(Unit::parse("µmol/L").unwrap(), Unit::MicromolePerLiter);
        assert_eq!(Unit::parse("mL/min/{1.73_m2}").unwrap(), Unit::MilliliterPerMinutePer173SquareMeter);
        // A spelling with a trailing NUL is not the spelling.
        assert!(Unit::parse("mg/dL\0").is_err());
        assert!(Unit::parse("").is_err());
    }

    #[test]
    fn table_lists_every_unit_once_in_declaration_order() {
        assert_eq!(TABLE.len(), Unit::ALL.len());
        for (i, unit) in Unit::ALL.iter().enumerate() {
            assert_eq!(TABLE[i].0, *unit);
            assert_eq!(*unit as usize, i);
        }
    }

    #[test]
    fn canonical_and_ucum_spellings_parse_back_to_their_unit() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.as_str()).unwrap(), unit);
            assert_eq!(Unit::parse(unit.ucum()).unwrap(), unit);
        }
    }

    #[test]
    fn both_micro_signs_and_ascii_u_are_the_same_unit() {
        for text in ["µmol/L", "μmol/L", "umol/L", "UMOL/L", "µmol / l"] {
            assert_eq!(Unit::parse(text).unwrap(), Unit::MicromolePerLiter, "{text}");
        }
    }

    #[test]
    fn no_two_units_share_a_spelling() {
        let mut keys: Vec<String> = Vec::new();
        for (unit, canonical, ucum, aliases) in TABLE {
            let mut own = vec![normalise(canonical), normalise(ucum)];
            own.extend(aliases.iter().map(|a| a.to_string()));
            own.sort();
            own.dedup();
            for k in own {
                assert!(!keys.contains(&k), "{k} is claimed twice (again by {unit:?})");
                keys.push(k);
            }
        }
    }

    #[test]
    fn unknown_unit_error_names_the_text() {
        let err = Unit::parse("mg/furlong").unwrap_err();
        assert_eq!(err, LabError::UnknownUnit { unit: "mg/furlong".into(), analyte: None });
        assert_eq!(err.to_string(), "unknown unit `mg/furlong`");
    }
}
