//! Which medications count as systemic immunosuppressants, for the exclusion "treatment with
//! systemic immunosuppressants (such as cyclosporine A, tacrolimus, mycophenolate mofetil,
//! etc.)". The protocol names an open class ("etc."), so a name list cannot close it: a
//! medication is classified by its name through a synonym table, else by its ATC code, and a
//! medication neither classifies is *unknown* (the criterion then stays unknown, naming it),
//! never "not an immunosuppressant".
//!
//! The table (`core/data/medications.tsv`, version [`MEDICATION_TABLE_VERSION`]) has a row
//! per substance: its class (immunosuppressant, glucocorticoid, or known not to count), its
//! ATC code(s) and its names: generic English names (INN and USAN spellings), brands, Chinese
//! generic and brand names and the usual abbreviations. It holds the L04 immunosuppressants,
//! the agents used as such from other groups (cyclophosphamide, rituximab, methotrexate, …),
//! the China-only agents without an ATC code (mizoribine, 雷公藤 preparations), the systemic
//! glucocorticoids, and the usual medicines of this population (antidiabetics, insulins,
//! antihypertensives, statins, diuretics, antiplatelets, …), which are known not to count.
//!
//! Sources: WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD Index 2026
//! (<https://atcddd.fhi.no/>; L04 as restructured in 2024, L01F as restructured in 2022); drug
//! labels of the NMPA and FDA for names; the reasoning and every judgement call are in
//! `docs/interpretation.md`, "Systemic immunosuppressants".
//!
//! A name as entered ("他克莫司胶囊 1mg bid", "Prograf", "注射用甲泼尼龙琥珀酸钠 40mg") is
//! matched in stages, the first hit winning (see [`MedicationTable::classify`]): the name as
//! written (without case, white space, punctuation, dose, pack and frequency); then without
//! formulation words (tablets, capsules, 胶囊, 缓释片, 注射用, …), noting topical, ophthalmic,
//! nasal and inhaled forms as not systemic; then without salt words (hydrochloride, 盐酸, 钠,
//! …); then, for a combination written with separators (`缬沙坦/氢氯噻嗪`), every part. No
//! fuzzy matching: a misspelt name is unknown, because `azathioprine` and `azacitidine` are
//! close in spelling and far apart in meaning.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The version of the bundled table; results name it through the configuration version.
pub const MEDICATION_TABLE_VERSION: &str = "medications-2026.12";

const TABLE_TSV: &str = include_str!("../../data/medications.tsv");

/// What a medication is, for this criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrugClass {
    /// A systemic immunosuppressant: counts.
    Immunosuppressant,
    /// A systemic glucocorticoid: counts only if the configuration says so.
    Glucocorticoid,
    /// Known not to count (the usual medicines of this population, antimalarials, …).
    NotImmunosuppressant,
}

/// How a medication was classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classification {
    /// Found in the table (or the configuration's lists) by name.
    Named {
        /// The table row's key (`tacrolimus`), or the parts of a combination joined by `+`.
        key: String,
        /// Its class.
        class: DrugClass,
        /// The name says a topical, ophthalmic, nasal, inhaled or rectal form: not systemic.
        local: bool,
    },
    /// Classified by the record's ATC code.
    ByAtc {
        /// The class the code gives.
        class: DrugClass,
        /// The code belongs to a local (non-systemic) group (D, S, R01, R03BA, A01, A07EA).
        local: bool,
    },
    /// An ATC code that calls for a person to look (other antineoplastics, immunostimulants,
    /// immunoglobulins): not decided automatically.
    Review,
    /// A combination with a form word in one part only (`ciclosporin/prednisolone eye drops`):
    /// the form may be the whole entry's or that part's, so whether it is systemic cannot be
    /// told. `class` is what its parts read as systemic are; whether that counts is the
    /// configuration's (a glucocorticoid counts only where configured).
    FormOfOnePart {
        /// The class of the parts read as systemic.
        class: DrugClass,
    },
    /// Neither the name nor a code classifies it.
    Unknown,
}

impl Classification {
    /// The class, where one was found.
    pub fn class(&self) -> Option<DrugClass> {
        match self {
            Classification::Named { class, .. } | Classification::ByAtc { class, .. } => Some(*class),
            Classification::Review | Classification::Unknown | Classification::FormOfOnePart { .. } => None,
        }
    }

    /// Whether the name or code says the medication is not systemic.
    pub fn local(&self) -> bool {
        matches!(self, Classification::Named { local: true, .. } | Classification::ByAtc { local: true, .. })
    }
}

/// Why a medication table could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("medication table, line {line}: {reason}")]
pub struct TableError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// A row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drug {
    /// The row's key: the generic English name (`mycophenolate mofetil`).
    pub key: String,
    /// Its class.
    pub class: DrugClass,
    /// Its ATC codes (none for agents without one).
    pub atc: Vec<String>,
    /// Its names as listed.
    pub names: Vec<String>,
}

/// The medication table: rows and the lookup forms of their names.
#[derive(Debug, Clone)]
pub struct MedicationTable {
    /// This table's identity for the per-thread memo of classifications: unique for each table
    /// read, shared only by its clones (which hold the same rows). An address would not do: a
    /// table dropped and another read can land at the same one.
    id: u64,
    drugs: Vec<Drug>,
    index: HashMap<String, usize>,
}

impl MedicationTable {
    /// The bundled table, read once.
    ///
    /// # Errors
    /// [`TableError`] if the bundled file is malformed (a test reads it, so it is not).
    ///
    /// # Examples
    /// ```
    /// use amimestrocel_dkd::eligibility::medications::{DrugClass, MedicationTable};
    /// let table = MedicationTable::bundled()?;
    /// for name in ["cyclosporin", "环孢素A", "他克莫司胶囊", "FK506", "Prograf", "咪唑立宾", "voclosporin"] {
    ///     assert_eq!(table.classify(name, None).class(), Some(DrugClass::Immunosuppressant), "{name}");
    /// }
    /// assert_eq!(table.classify("Metformin 500mg", None).class(), Some(DrugClass::NotImmunosuppressant));
    /// assert_eq!(table.classify("mystery-mab", None).class(), None);
    /// # Ok::<(), amimestrocel_dkd::eligibility::medications::TableError>(())
    /// ```
    pub fn bundled() -> Result<&'static MedicationTable, TableError> {
        static TABLE: OnceLock<Result<MedicationTable, TableError>> = OnceLock::new();
        TABLE.get_or_init(|| MedicationTable::parse(TABLE_TSV)).as_ref().map_err(Clone::clone)
    }

    /// Reads a table in the bundled file's form: a header `key, class, atc, names, notes`,
    /// then one row per substance, tab-separated, `names` and `atc` `|`-separated.
    ///
    /// # Errors
    /// [`TableError`] for a wrong header, a row with the wrong number of cells, an unknown
    /// class, or two rows whose names read the same.
    pub fn parse(tsv: &str) -> Result<MedicationTable, TableError> {
        let mut lines = tsv.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim_end() == "key\tclass\tatc\tnames\tnotes" => {}
            _ => return Err(TableError { line: 1, reason: "header must be key, class, atc, names, notes".into() }),
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut table = MedicationTable { id, drugs: Vec::new(), index: HashMap::new() };
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let err = |reason: String| TableError { line: i + 1, reason };
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != 5 {
                return Err(err(format!("expected 5 cells, found {}", cells.len())));
            }
            let class = match cells[1] {
                "immunosuppressant" => DrugClass::Immunosuppressant,
                "glucocorticoid" => DrugClass::Glucocorticoid,
                "not_immunosuppressant" => DrugClass::NotImmunosuppressant,
                other => return Err(err(format!("unknown class `{other}`"))),
            };
            let split = |cell: &str| -> Vec<String> {
                cell.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            };
            let drug = Drug { key: cells[0].trim().to_owned(), class, atc: split(cells[2]), names: split(cells[3]) };
            let row = table.drugs.len();
            for name in std::iter::once(&drug.key).chain(&drug.names) {
                let form = table_form(name);
                if form.is_empty() {
                    return Err(err(format!("the name `{name}` reads as nothing")));
                }
                match table.index.get(&form) {
                    Some(&other) if other != row => {
                        return Err(err(format!(
                            "the name `{name}` of `{}` reads as a name of `{}`",
                            drug.key, table.drugs[other].key
                        )))
                    }
                    _ => {
                        table.index.insert(form, row);
                    }
                }
            }
            table.drugs.push(drug);
        }
        Ok(table)
    }

    /// The rows.
    pub fn drugs(&self) -> &[Drug] {
        &self.drugs
    }

    /// The row of a name as entered, by the stages of the module documentation, with whether
    /// the name says a local form.
    pub fn find(&self, name: &str) -> Option<(&Drug, bool)> {
        candidates(name).into_iter().find_map(|(form, local)| self.index.get(&form).map(|&i| (&self.drugs[i], local)))
    }

    /// Classifies a medication by its name as entered and, failing that, its ATC code.
    ///
    /// The answers for the last few hundred distinct (name, code) pairs are kept per thread:
    /// a cohort names the same medicines over and over, and a screening must not read each
    /// name again (reading one takes microseconds; a screening, about one in all).
    pub fn classify(&self, name: &str, atc: Option<&str>) -> Classification {
        self.with_classification(name, atc, Classification::clone)
    }

    /// Calls `read` with the classification of a medication, as [`classify`](Self::classify)
    /// finds it, without copying it out of the per-thread memo.
    pub(crate) fn with_classification<T>(
        &self,
        name: &str,
        atc: Option<&str>,
        read: impl FnOnce(&Classification) -> T,
    ) -> T {
        /// The answers by name, then by code; keyed by the table too, so that two tables on
        /// one thread never share answers. Looked up by the name as given (no copy of it).
        #[derive(Default)]
        struct Memo {
            table: u64,
            entries: usize,
            by_name: HashMap<String, Vec<(Option<String>, Classification)>>,
        }
        thread_local! {
            static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
        }
        let table_id = self.id;
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.table == table_id {
                let known = memo.by_name.get(name).and_then(|codes| codes.iter().find(|(a, _)| a.as_deref() == atc));
                if let Some((_, found)) = known {
                    return read(found);
                }
            }
            let found = self.classify_uncached(name, atc);
            let answer = read(&found);
            if memo.table != table_id || memo.entries >= 512 {
                memo.by_name.clear();
                memo.entries = 0;
                memo.table = table_id;
            }
            memo.entries += 1;
            memo.by_name.entry(name.to_owned()).or_default().push((atc.map(str::to_owned), found));
            answer
        })
    }

    fn classify_uncached(&self, name: &str, atc: Option<&str>) -> Classification {
        if let Some((drug, local)) = self.find(name) {
            return Classification::Named { key: drug.key.clone(), class: drug.class, local };
        }
        // A combination written with separators: every part must be known.
        let parts = split_combination(&base_clean(name));
        if parts.len() > 1 {
            let found: Option<Vec<(&Drug, bool)>> = parts.iter().map(|p| self.find(p)).collect();
            if let Some(found) = found {
                let strongest = |parts: &mut dyn Iterator<Item = &(&Drug, bool)>| {
                    let classes: Vec<DrugClass> = parts.map(|(d, _)| d.class).collect();
                    [DrugClass::Immunosuppressant, DrugClass::Glucocorticoid]
                        .into_iter()
                        .find(|c| classes.contains(c))
                        .unwrap_or(DrugClass::NotImmunosuppressant)
                };
                let local = found.iter().all(|(_, l)| *l);
                let systemic = strongest(&mut found.iter().filter(|(_, l)| !*l));
                // A form word in one part only (`ciclosporin/prednisolone eye drops`) may be the
                // whole entry's or that part's: when the other parts would count, which it is
                // cannot be told: the record's ATC code decides, else a person looks (a cream
                // beside a systemic drug must not hide it, nor eye drops written once make a
                // systemic drug of them).
                if !local && found.iter().any(|(_, l)| *l) && systemic != DrugClass::NotImmunosuppressant {
                    return atc.map_or(Classification::FormOfOnePart { class: systemic }, classify_atc);
                }
                let class = if local { strongest(&mut found.iter()) } else { systemic };
                let key = found.iter().map(|(d, _)| d.key.as_str()).collect::<Vec<_>>().join("+");
                return Classification::Named { key, class, local };
            }
        }
        match atc {
            Some(code) => classify_atc(code),
            None => Classification::Unknown,
        }
    }
}

/// Whether `code` has the form of an ATC code or of one of its upper levels (`L`, `L04`,
/// `L04A`, `L04AD`, `L04AD02`), in any case, without white space.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::medications::is_atc_code;
/// assert!(is_atc_code("L04AD02") && is_atc_code("l04") && is_atc_code("A10BA02"));
/// assert!(!is_atc_code("L4AD02") && !is_atc_code("L04AD2") && !is_atc_code("") && !is_atc_code("L04AD023"));
/// ```
pub fn is_atc_code(code: &str) -> bool {
    let b = code.as_bytes();
    // Levels: 1 letter; 2 digits; 1 letter; 1 letter; 2 digits.
    let shape: [fn(u8) -> bool; 7] = [
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_alphabetic(),
        |c| c.is_ascii_digit(),
        |c| c.is_ascii_digit(),
    ];
    matches!(b.len(), 1 | 3 | 4 | 5 | 7) && b.iter().zip(shape).all(|(&c, ok)| ok(c))
}

/// ATC codes that count as systemic immunosuppressants besides the prefix `L04`: the L01
/// agents used as immunosuppressants in nephrology and rheumatology, with their codes before
/// the 2022 and 2024 revisions (WHO ATC/DDD Index 2026; `docs/interpretation.md`).
pub const COUNTED_L01_CODES: &[&str] = &[
    "L01AA01", // cyclophosphamide
    "L01AA02", // chlorambucil
    "L01BA01", // methotrexate
    "L01BB02", // mercaptopurine
    "L01BB04", // cladribine
    "L01FA01", // rituximab
    "L01FA02", // ofatumumab
    "L01FA03", // obinutuzumab
    "L01EG02", // everolimus (antineoplastic form)
    "L01EG04", // sirolimus (antineoplastic form)
    "L01XC02", // rituximab, before 2022
    "L01XC10", // ofatumumab, before 2022
    "L01XC15", // obinutuzumab, before 2022
    "L01XE10", // everolimus, before 2022
];

/// L04 codes that do not count: pirfenidone (L04AX05) is an antifibrotic.
pub const NOT_COUNTED_L04_CODES: &[&str] = &["L04AX05"];

/// ATC prefixes of systemic glucocorticoids (flagged, counted only by configuration).
pub const GLUCOCORTICOID_PREFIXES: &[&str] = &["H02AB", "H02BX", "A07EA06"];

/// ATC prefixes of local (non-systemic) groups: dermatologicals, eye and ear, nasal, inhaled
/// corticosteroids, stomatological, intestinal corticosteroids (oral budesonide excepted).
pub const LOCAL_PREFIXES: &[&str] = &["D", "S", "R01", "R03BA", "A01", "A07EA"];

/// ATC prefixes a person reviews: other antineoplastics, immunostimulants, immunoglobulins,
/// penicillamine and gold.
pub const REVIEW_PREFIXES: &[&str] = &["L01", "L03", "J06B", "M01C"];

/// ATC prefixes known not to count: the usual medicines of a type 2 diabetes and kidney
/// disease population, antimalarials (hydroxychloroquine), sulfasalazine.
pub const NOT_COUNTED_PREFIXES: &[&str] = &[
    "A02B", "A10A", "A10B", "A10X", "A11CC", "A12", "A16AX", "A07EC01", "B01", "B03", "B05", "C01", "C02", "C03",
    "C04", "C05", "C07", "C08", "C09", "C10", "G04CA", "H02AA", "H03A", "H05BX", "M04", "N02B", "P01BA", "V03AE",
];

/// Classifies an ATC code (of any level) by the rules of the module documentation, in order:
/// exceptions, counted, glucocorticoid, local, review, known not to count, else unknown.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::eligibility::medications::{classify_atc, Classification, DrugClass};
/// assert_eq!(classify_atc("L04AH01").class(), Some(DrugClass::Immunosuppressant)); // sirolimus since 2024
/// assert_eq!(classify_atc("L04AA10").class(), Some(DrugClass::Immunosuppressant)); // sirolimus before
/// assert_eq!(classify_atc("L01FA01").class(), Some(DrugClass::Immunosuppressant)); // rituximab
/// assert_eq!(classify_atc("L04AX05").class(), Some(DrugClass::NotImmunosuppressant)); // pirfenidone
/// assert_eq!(classify_atc("A10BA02").class(), Some(DrugClass::NotImmunosuppressant)); // metformin
/// assert_eq!(classify_atc("L01XG01"), Classification::Review); // bortezomib
/// assert_eq!(classify_atc("N06AB04"), Classification::Unknown);
/// ```
pub fn classify_atc(code: &str) -> Classification {
    let code = code.trim().to_ascii_uppercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| code.starts_with(p));
    let by = |class, local| Classification::ByAtc { class, local };
    if NOT_COUNTED_L04_CODES.contains(&code.as_str()) {
        return by(DrugClass::NotImmunosuppressant, false);
    }
    if code.starts_with("L04") || COUNTED_L01_CODES.contains(&code.as_str()) {
        return by(DrugClass::Immunosuppressant, false);
    }
    if starts(GLUCOCORTICOID_PREFIXES) {
        return by(DrugClass::Glucocorticoid, false);
    }
    if starts(LOCAL_PREFIXES) {
        return by(DrugClass::NotImmunosuppressant, true);
    }
    if starts(REVIEW_PREFIXES) {
        return Classification::Review;
    }
    if starts(NOT_COUNTED_PREFIXES) {
        return by(DrugClass::NotImmunosuppressant, false);
    }
    Classification::Unknown
}

// ------------------------------------------------------------------------
// reading a name
// ------------------------------------------------------------------------

/// Units of a dose, longest first (so `mg` is tried before `g`).
const DOSE_UNITS: &[&str] = &[
    "国际单位",
    "万单位",
    "万iu",
    "毫克",
    "微克",
    "毫升",
    "万u",
    "单位",
    "mmol",
    "mcg",
    "meq",
    "µg",
    "μg",
    "mg",
    "kg",
    "ug",
    "ng",
    "ml",
    "iu",
    "mu",
    "克",
    "升",
    "g",
    "l",
    "u",
    "%",
];
/// What may follow a dose after a slash (`5 mg/片`, `1 mg/kg`).
const DOSE_DENOMINATORS: &[&str] =
    &["tab", "cap", "dose", "day", "m2", "㎡", "kg", "片", "粒", "支", "瓶", "袋", "次", "日", "天", "d"];
/// Pack units (`×50粒`, `28片/盒`).
const PACK_UNITS: &[&str] = &["tabs", "caps", "tab", "cap", "片", "粒", "支", "瓶", "袋", "盒", "板", "s"];
/// Frequency and route words, removed as whole words.
const FREQUENCY_WORDS: &[&str] = &[
    "qd", "bid", "tid", "qid", "qn", "qod", "qw", "biw", "tiw", "prn", "po", "iv", "ivgtt", "ih", "im", "sc", "q8h",
    "q12h", "q24h", "once", "daily", "weekly",
];
/// Chinese frequency and route words, removed wherever they stand.
const FREQUENCY_ZH: &[&str] = &[
    "静脉滴注",
    "皮下注射",
    "每日",
    "每天",
    "每周",
    "一日",
    "一天",
    "每晚",
    "睡前",
    "口服",
    "静滴",
    "静推",
    "肌注",
    "顿服",
    "隔日",
];
/// English words and phrases of a local (not systemic) form, longest first.
const LOCAL_EN: &[&str] = &[
    "suppositories",
    "intravitreal",
    "nasal spray",
    "inhalation",
    "nebuliser",
    "nebulizer",
    "ophthalmic",
    "suppository",
    "cutaneous",
    "ear drops",
    "eye drops",
    "mouthwash",
    "eye drop",
    "ointment",
    "inhalant",
    "implant",
    "inhaled",
    "inhaler",
    "topical",
    "lotion",
    "cream",
    "enema",
    "nasal",
    "patch",
    "otic",
    "gel",
];
/// Chinese affixes of a local form, longest first.
const LOCAL_ZH: &[&str] = &[
    "玻璃体内植入剂",
    "吸入粉雾剂",
    "吸入气雾剂",
    "混悬吸入液",
    "鼻喷雾剂",
    "眼用凝胶",
    "乳剂外用",
    "口腔软膏",
    "滴眼液",
    "喷雾剂",
    "吸入剂",
    "吸入用",
    "气雾剂",
    "灌肠剂",
    "含漱液",
    "眼膏",
    "眼用",
    "软膏",
    "乳膏",
    "凝胶",
    "搽剂",
    "洗剂",
    "贴剂",
    "贴膏",
    "鼻用",
    "栓剂",
    "外用",
];
/// English phrases of a formulation (after hyphens became spaces), longest first.
const FORM_PHRASES_EN: &[&str] = &[
    "concentrate for solution",
    "powder for solution",
    "orally disintegrating",
    "prolonged release",
    "controlled release",
    "sustained release",
    "immediate release",
    "extended release",
    "modified release",
    "pre filled syringe",
    "delayed release",
    "prefilled syringe",
    "oral suspension",
    "pre filled pen",
    "enteric coated",
    "for oral use",
    "oral solution",
    "for injection",
    "for infusion",
    "hard capsules",
    "soft capsules",
    "prefilled pen",
    "hard capsule",
    "soft capsule",
    "film coated",
];
/// English formulation words, removed as whole words.
const FORM_WORDS_EN: &[&str] = &[
    "tablet",
    "tablets",
    "tab",
    "tabs",
    "capsule",
    "capsules",
    "cap",
    "caps",
    "injection",
    "injections",
    "inj",
    "infusion",
    "solution",
    "suspension",
    "syrup",
    "granules",
    "granule",
    "powder",
    "sachet",
    "sachets",
    "vial",
    "vials",
    "ampoule",
    "ampoules",
    "ampule",
    "pen",
    "pens",
    "cartridge",
    "syringe",
    "er",
    "xr",
    "xl",
    "sr",
    "cr",
    "mr",
    "dr",
    "la",
    "ec",
    "odt",
    "dispersible",
    "chewable",
    "effervescent",
    "concentrate",
    "lyophilized",
    "lyophilised",
    "intravenous",
    "subcutaneous",
    "oral",
    "generic",
    "brand",
    "usp",
    "bp",
    "ep",
];
/// Chinese formulation prefixes.
const FORM_PREFIXES_ZH: &[&str] = &["注射用", "口服"];
/// Chinese formulation suffixes, longest first (and the specification marks (I), (II), (III)).
const FORM_SUFFIXES_ZH: &[&str] = &[
    "预填充注射笔",
    "预充式注射笔",
    "口腔崩解片",
    "肠溶微丸胶囊",
    "口服混悬液",
    "预充注射器",
    "缓释胶囊",
    "控释胶囊",
    "肠溶胶囊",
    "薄膜衣片",
    "干混悬剂",
    "口服溶液",
    "缓释片",
    "控释片",
    "肠溶片",
    "分散片",
    "软胶囊",
    "硬胶囊",
    "胶囊剂",
    "咀嚼片",
    "口崩片",
    "泡腾片",
    "颗粒剂",
    "混悬液",
    "口服液",
    "注射液",
    "注射剂",
    "粉针剂",
    "冻干粉",
    "浓缩液",
    "注射笔",
    "(iii)",
    "胶丸",
    "胶囊",
    "片剂",
    "含片",
    "滴丸",
    "颗粒",
    "糖浆",
    "粉针",
    "溶液",
    "微球",
    "散剂",
    "丸剂",
    "缓释",
    "控释",
    "肠溶",
    "(ii)",
    "iii",
    "(i)",
    "ii",
    "片",
    "丸",
    "散",
    "剂",
    "针",
    "i",
];
/// English salt and hydrate words, removed only when nothing else matched (never `mofetil`).
const SALT_WORDS_EN: &[&str] = &[
    "hydrochloride",
    "hcl",
    "dihydrochloride",
    "sodium",
    "potassium",
    "calcium",
    "magnesium",
    "besylate",
    "besilate",
    "mesylate",
    "mesilate",
    "maleate",
    "tartrate",
    "succinate",
    "fumarate",
    "hemifumarate",
    "citrate",
    "phosphate",
    "sulfate",
    "sulphate",
    "bisulfate",
    "hydrogen",
    "acetate",
    "bromide",
    "hydrobromide",
    "chloride",
    "benzoate",
    "arginine",
    "erbumine",
    "tert",
    "butylamine",
    "monohydrate",
    "dihydrate",
    "trihydrate",
    "hydrate",
    "anhydrous",
    "propanediol",
    "disodium",
    "medoxomil",
];
/// Chinese salt prefixes, longest first.
const SALT_PREFIXES_ZH: &[&str] = &[
    "门冬氨酸",
    "甲苯磺酸",
    "硫酸氢",
    "马来酸",
    "甲磺酸",
    "苯磺酸",
    "苯甲酸",
    "酒石酸",
    "琥珀酸",
    "富马酸",
    "枸橼酸",
    "氢溴酸",
    "精氨酸",
    "盐酸",
    "硫酸",
    "磷酸",
    "醋酸",
];
/// Chinese salt suffixes, longest first.
const SALT_SUFFIXES_ZH: &[&str] = &["琥珀酸钠", "磷酸钠", "钠", "钾", "钙", "镁", "酯"];
/// Esters that are part of a name and are never removed.
const SALT_KEEP_ZH: &[&str] = &["吗替麦考酚酯", "达比加群酯", "阿利沙坦酯", "奥美沙坦酯", "阿齐沙坦酯", "坎地沙坦酯"];

fn is_cjk(c: char) -> bool {
    ('\u{3400}'..='\u{9fff}').contains(&c)
}

/// Punctuation and white space removed by [`squash`].
fn is_squashed(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || "，。；：、！？“”‘’…—–·•（）【】〔〕".contains(c)
}

/// Step 1–2: full-width forms to ASCII (what Unicode NFKC does for them), the Roman numerals
/// Ⅰ–Ⅲ to `i`–`iii`, lower case, the marks `® ™ © ℠ * #` to spaces.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{ff01}'..='\u{ff5e}' => {
                let ascii = char::from_u32(u32::from(c) - 0xfee0).unwrap_or(' ');
                out.extend(ascii.to_lowercase());
            }
            '\u{3000}' => out.push(' '),
            'Ⅰ' | 'ⅰ' => out.push('i'),
            'Ⅱ' | 'ⅱ' => out.push_str("ii"),
            'Ⅲ' | 'ⅲ' => out.push_str("iii"),
            'µ' => out.push('μ'),
            '®' | '™' | '©' | '℠' | '*' | '#' => out.push(' '),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The length of a number (`500`, `0.25`, `0,5`) at the start of `s`, if there is one.
fn number_len(s: &str) -> Option<usize> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let rest = &s.as_bytes()[digits..];
    if rest.len() >= 2 && (rest[0] == b'.' || rest[0] == b',') && rest[1].is_ascii_digit() {
        let more = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        return Some(digits + 1 + more);
    }
    Some(digits)
}

/// The length of the first of `words` at the start of `s` that is not followed by an ASCII
/// letter (so `mg` is not read out of `mgso4`).
fn word_at(s: &str, words: &[&str]) -> Option<usize> {
    words.iter().find_map(|w| {
        let rest = s.strip_prefix(w)?;
        (!rest.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(w.len())
    })
}

/// The length of a dose (`500mg`, `0.25 g`, `300 u/ml`, `5 mg/片`) at the start of `s`.
fn dose_len(s: &str) -> Option<usize> {
    let mut n = number_len(s)?;
    n += s[n..].len() - s[n..].trim_start().len();
    n += word_at(&s[n..], DOSE_UNITS)?;
    // An optional `/ [number] denominator`.
    let rest = &s[n..];
    let after = rest.trim_start();
    if let Some(slash) = after.strip_prefix('/') {
        let slash = slash.trim_start();
        let num = number_len(slash).unwrap_or(0);
        let denom = slash[num..].trim_start();
        if let Some(d) = word_at(denom, DOSE_UNITS).or_else(|| word_at(denom, DOSE_DENOMINATORS)) {
            let consumed = rest.len() - denom.len() + d;
            n += consumed;
        }
    }
    Some(n)
}

/// The length of a pack size (`×50粒`, `*28`, `x30`, `28片/盒`) at the start of `s`.
fn pack_len(s: &str) -> Option<usize> {
    if let Some(rest) = s.strip_prefix(['x', '×', '*']) {
        let lead = s.len() - rest.len();
        let rest_t = rest.trim_start();
        let num = number_len(rest_t)?;
        let after = &rest_t[num..];
        let unit = word_at(after.trim_start(), PACK_UNITS).map_or(0, |u| after.len() - after.trim_start().len() + u);
        return Some(lead + (rest.len() - rest_t.len()) + num + unit);
    }
    let num = number_len(s)?;
    let after = s[num..].trim_start();
    let unit = word_at(after, &PACK_UNITS[4..11])?;
    let mut n = s.len() - after.len() + unit;
    if let Some(per) = s[n..].trim_start().strip_prefix('/') {
        if let Some(u) = word_at(per.trim_start(), &["盒", "瓶", "板", "袋"]) {
            n = s.len() - per.trim_start().len() + u;
        }
    }
    Some(n)
}

/// Steps 1–3: fold, then remove doses, pack sizes and frequency words.
fn base_clean(text: &str) -> String {
    let mut s = fold(text);
    for w in FREQUENCY_ZH {
        s = s.replace(w, " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let after_letter = out.chars().last().is_some_and(|c| c.is_ascii_alphabetic());
        // A number right after a letter is part of a name (`fk506`, `诺和灵30r` after CJK is fine).
        if !after_letter {
            if let Some(n) = dose_len(rest).or_else(|| pack_len(rest)) {
                out.push(' ');
                i += n;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    let words: Vec<&str> = out.split_whitespace().filter(|w| !FREQUENCY_WORDS.contains(w)).collect();
    words.join(" ")
}

/// Removes every whitespace and punctuation character.
fn squash(s: &str) -> String {
    s.chars().filter(|&c| !is_squashed(c)).collect()
}

/// Removes whole-word occurrences (bounded by non-letters) of `phrase` from `s`; whether any.
fn remove_phrase(s: &mut String, phrase: &str) -> bool {
    let mut found = false;
    let mut from = 0;
    while let Some(pos) = s[from..].find(phrase).map(|p| p + from) {
        let before_ok = !s[..pos].ends_with(|c: char| c.is_ascii_alphabetic());
        let end = pos + phrase.len();
        let after_ok = !s[end..].starts_with(|c: char| c.is_ascii_alphabetic());
        if before_ok && after_ok {
            s.replace_range(pos..end, " ");
            found = true;
            from = pos + 1;
        } else {
            from = pos + phrase.len();
        }
        if from >= s.len() {
            break;
        }
    }
    found
}

/// Removes local-form words; whether there were any.
fn strip_local(s: &str) -> (String, bool) {
    let mut s = s.to_owned();
    let mut local = false;
    for p in LOCAL_EN {
        local |= remove_phrase(&mut s, p);
    }
    for p in LOCAL_ZH {
        if s.contains(p) {
            s = s.replace(p, " ");
            local = true;
        }
    }
    (s, local)
}

/// Removes English formulation words and phrases (hyphens read as spaces).
fn strip_en_forms(s: &str) -> String {
    let mut s = s.replace(['-', '‐'], " ");
    for p in FORM_PHRASES_EN {
        remove_phrase(&mut s, p);
    }
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty() && !FORM_WORDS_EN.contains(t))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes prefixes and suffixes repeatedly; a suffix only while a CJK character stays before
/// it (so `ii` is not cut from a Latin name); `keep` stops it.
fn strip_affixes(s: &str, prefixes: &[&[&str]], suffixes: &[&[&str]], keep: &[&str]) -> String {
    let mut s = s.to_owned();
    loop {
        if keep.contains(&s.as_str()) {
            return s;
        }
        let mut changed = false;
        if let Some(p) = prefixes.iter().flat_map(|l| l.iter()).find(|p| s.starts_with(**p) && s.len() > p.len()) {
            s.drain(..p.len());
            changed = true;
        }
        let longest_first = {
            let mut all: Vec<&str> = suffixes.iter().flat_map(|l| l.iter().copied()).collect();
            all.sort_by_key(|x| std::cmp::Reverse(x.len()));
            all
        };
        if let Some(x) = longest_first
            .iter()
            .find(|x| s.ends_with(**x) && s.len() > x.len() && s[..s.len() - x.len()].chars().any(is_cjk))
        {
            s.truncate(s.len() - x.len());
            changed = true;
        }
        if !changed || s.is_empty() {
            return s;
        }
    }
}

/// How a name of the table is stored for lookup: steps 1–3, English formulation words,
/// squash, Chinese formulation affixes. Local-form words and salts stay (so `他克莫司软膏` is
/// its own entry, and `sodium bicarbonate` stays whole).
pub(crate) fn table_form(name: &str) -> String {
    let s = strip_en_forms(&base_clean(name));
    strip_affixes(&squash(&s), &[FORM_PREFIXES_ZH], &[FORM_SUFFIXES_ZH], &[])
}

/// The texts a name is looked up as, in order, each with whether it said a local form: for
/// the whole name, the text outside brackets and each bracketed part: as written (A), without
/// formulation words (B), without salts (C).
fn candidates(name: &str) -> Vec<(String, bool)> {
    let s = base_clean(name);
    let mut parts = vec![s.clone()];
    let (outer, inner) = brackets(&s);
    if !inner.is_empty() {
        parts.push(outer);
        parts.extend(inner);
    }
    let mut out = Vec::new();
    for part in parts {
        let raw = squash(&part);
        if !raw.is_empty() {
            out.push((raw, false));
        }
        let (p, local) = strip_local(&part);
        let p = strip_en_forms(&p);
        let form = strip_affixes(&squash(&p), &[FORM_PREFIXES_ZH], &[FORM_SUFFIXES_ZH], &[]);
        if !form.is_empty() {
            out.push((form.clone(), local));
        }
        let tokens: Vec<&str> = p
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty() && !SALT_WORDS_EN.contains(t))
            .collect();
        let salt = strip_affixes(
            &squash(&tokens.join(" ")),
            &[FORM_PREFIXES_ZH, SALT_PREFIXES_ZH],
            &[FORM_SUFFIXES_ZH, SALT_SUFFIXES_ZH],
            SALT_KEEP_ZH,
        );
        if !salt.is_empty() && salt != form {
            out.push((salt, local));
        }
    }
    out
}

/// The text outside brackets, and each bracketed part (`(` `[` `{` `【` `〔` and full-width
/// `（`, folded to `(` before).
fn brackets(s: &str) -> (String, Vec<String>) {
    let (mut outer, mut inner) = (String::new(), Vec::new());
    let mut depth_part: Option<String> = None;
    for c in s.chars() {
        match (c, depth_part.as_mut()) {
            ('(' | '[' | '{' | '【' | '〔', None) => depth_part = Some(String::new()),
            (')' | ']' | '}' | '】' | '〕', Some(_)) => {
                if let Some(part) = depth_part.take() {
                    inner.push(part);
                }
                outer.push(' ');
            }
            (c, Some(part)) => part.push(c),
            (c, None) => outer.push(c),
        }
    }
    if let Some(rest) = depth_part {
        outer.push_str(&rest);
    }
    (outer.trim().to_owned(), inner)
}

/// The parts of a combination written with separators: `+ / ／ 、 ; ；`, the words `and`,
/// `with`, `plus`, `&`, and `和 与 及`.
fn split_combination(s: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(s.len());
    for c in s.chars() {
        if "+/／、;；&和与及".contains(c) {
            spaced.push('\u{1}');
        } else {
            spaced.push(c);
        }
    }
    let mut parts = Vec::new();
    for chunk in spaced.split('\u{1}') {
        let mut words: Vec<&str> = Vec::new();
        for w in chunk.split_whitespace() {
            if ["and", "with", "plus"].contains(&w) {
                if !words.is_empty() {
                    parts.push(words.join(" "));
                }
                words.clear();
            } else {
                words.push(w);
            }
        }
        if !words.is_empty() {
            parts.push(words.join(" "));
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str) -> Option<DrugClass> {
        MedicationTable::bundled().unwrap().classify(name, None).class()
    }

    fn key(name: &str) -> Option<String> {
        MedicationTable::bundled().unwrap().find(name).map(|(d, _)| d.key.clone())
    }

    #[test]
    fn the_bundled_table_reads_and_every_name_finds_its_own_row() {
        let table = MedicationTable::bundled().unwrap();
        assert!(table.drugs().len() >= 270);
        let mut names = 0;
        for drug in table.drugs() {
            for name in std::iter::once(&drug.key).chain(&drug.names) {
                assert_eq!(key(name).as_deref(), Some(drug.key.as_str()), "{name}");
                names += 1;
            }
            for code in &drug.atc {
                assert!(is_atc_code(code) || ["A10A", "A10XA", "B03AC"].contains(&code.as_str()), "{code}");
            }
        }
        assert!(names > 1200, "{names}");
    }

    #[test]
    fn the_names_the_review_found_unrecognised_are_immunosuppressants() {
        for name in [
            "cyclosporin",
            "环孢素A",
            "他克莫司胶囊",
            "FK506",
            "FK-506",
            "Prograf",
            "mizoribine",
            "咪唑立宾",
            "voclosporin",
            "Cyclosporine A",
            "雷公藤多苷片 10mg tid",
            "新山地明(环孢素软胶囊) 25mg×50粒",
            "CellCept 500 mg tablets",
            "Envarsus XR 0.75mg",
            "利妥昔单抗注射液 100mg/10ml",
            "MMF 0.75g bid",
            "CsA",
            "普乐可复 (他克莫司胶囊)",
            "Mycophenolate mofetil hydrochloride for injection",
            "麦考酚钠肠溶片",
            "吗替麦考酚酯分散片 0.25g",
            "Tacrolimus extended-release capsules 1 mg",
            "Tripterygium glycosides tablets",
            "昆仙胶囊",
            "ＦＫ５０６",
        ] {
            assert_eq!(class(name), Some(DrugClass::Immunosuppressant), "{name}");
        }
    }

    #[test]
    fn the_usual_medicines_of_this_population_do_not_count() {
        for name in [
            "Metformin 500mg",
            "二甲双胍片",
            "盐酸二甲双胍缓释片",
            "insulin glargine 300 U/mL pen",
            "达格列净",
            "dapagliflozin",
            "empagliflozin",
            "缬沙坦/氢氯噻嗪",
            "沙库巴曲缬沙坦钠片",
            "氯沙坦钾片",
            "阿托伐他汀钙片 20mg qn",
            "黄葵胶囊",
            "aspirin",
            "finerenone",
            "furosemide",
            "amlodipine",
            "硫酸羟氯喹片 0.2g bid",
            "pirfenidone",
        ] {
            assert_eq!(class(name), Some(DrugClass::NotImmunosuppressant), "{name}");
        }
    }

    #[test]
    fn glucocorticoids_are_their_own_class() {
        for name in ["注射用甲泼尼龙琥珀酸钠 40mg", "Medrol 4mg", "醋酸泼尼松片 5mg", "prednisone"] {
            assert_eq!(class(name), Some(DrugClass::Glucocorticoid), "{name}");
        }
    }

    #[test]
    fn local_forms_are_found_and_marked_not_systemic() {
        let table = MedicationTable::bundled().unwrap();
        assert!(table.classify("他克莫司乳膏", None).local());
        assert_eq!(class("他克莫司软膏"), Some(DrugClass::NotImmunosuppressant)); // its own row, D11AH01
        assert!(table.classify("mycophenolate mofetil cream", None).local());
        assert_eq!(class("ciclosporin eye drops"), Some(DrugClass::NotImmunosuppressant));
        // its own row, S01XA18
    }

    #[test]
    fn unknown_names_are_unknown_and_abbreviations_only_match_whole() {
        let table = MedicationTable::bundled().unwrap();
        assert_eq!(table.classify("Azacitidine", None), Classification::Unknown);
        assert_eq!(table.classify("tacrolimuss", None), Classification::Unknown, "no fuzzy matching");
        assert_eq!(table.classify("", None), Classification::Unknown);
        // The ATC code decides where the name does not.
        assert_eq!(table.classify("mystery-mab", Some("L04AG99")).class(), Some(DrugClass::Immunosuppressant));
        assert_eq!(table.classify("mystery", Some("A10BK99")).class(), Some(DrugClass::NotImmunosuppressant));
        assert_eq!(table.classify("mystery", Some("L01XX99")), Classification::Review);
    }

    #[test]
    fn a_malformed_table_is_refused_with_its_line() {
        assert_eq!(MedicationTable::parse("a\tb\n").unwrap_err().line, 1);
        let head = "key\tclass\tatc\tnames\tnotes\n";
        assert_eq!(MedicationTable::parse(&format!("{head}x\tcool\t\tx\t\n")).unwrap_err().line, 2);
        let clash = format!("{head}a\timmunosuppressant\t\tfoo\t\nb\tglucocorticoid\t\tFOO tablets\t\n");
        assert!(MedicationTable::parse(&clash).unwrap_err().reason.contains("reads as a name of `a`"));
    }

    #[test]
    fn the_per_thread_memo_answers_as_a_fresh_reading_code_by_code_and_table_by_table() {
        let bundled = MedicationTable::bundled().unwrap();
        let head = "key\tclass\tatc\tnames\tnotes\n";
        let other = MedicationTable::parse(&format!("{head}metformin\timmunosuppressant\t\tmetformin\t\n")).unwrap();
        let asked = [
            ("metformin", None),
            ("metformin", Some("L04AD02")),
            ("mystery-mab", Some("L04AG99")),
            ("mystery-mab", None),
        ];
        // Twice over, alternating tables: the second round is answered from the memo.
        for _ in 0..2 {
            for table in [bundled, &other] {
                for (name, atc) in asked {
                    assert_eq!(table.classify(name, atc), table.classify_uncached(name, atc), "{name} {atc:?}");
                }
            }
        }
        assert_eq!(other.classify("metformin", None).class(), Some(DrugClass::Immunosuppressant));
        assert_eq!(bundled.classify("metformin", None).class(), Some(DrugClass::NotImmunosuppressant));
        assert_eq!(bundled.classify("mystery-mab", None), Classification::Unknown);
        assert_eq!(bundled.classify("mystery-mab", Some("L04AG99")).class(), Some(DrugClass::Immunosuppressant));
        // A table dropped and another read in its place (often at the same address) never
        // answers for each other.
        for (class, expected) in
            [("immunosuppressant", DrugClass::Immunosuppressant), ("glucocorticoid", DrugClass::Glucocorticoid)]
        {
            let table = MedicationTable::parse(&format!("{head}x\t{class}\t\tzzdrug\t\n")).unwrap();
            assert_eq!(table.classify("zzdrug", None).class(), Some(expected));
        }
    }

    #[test]
    fn any_text_is_answered() {
        let table = MedicationTable::bundled().unwrap();
        for text in ["(((", "))", "x×", "5mg/", "×", "1.", "、、", "and", "()", "【他克莫司", "ⅡⅢ", "\u{ff5e}"]
        {
            let _ = table.classify(text, Some(text));
        }
    }
}
