// Tests of the Kotlin binding layer: typed exceptions and their fields, records, lists, the
// usage example. The rules themselves are core's, checked by the shared vectors (VectorTest).
package health.amimestrocel.dkd.tests

import health.amimestrocel.dkd.*
import kotlin.math.abs
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

class BindingTest {
    private val scr = labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")

    /**
     * README.md's example (the Rust and Python sections: 60-year-old woman, creatinine 1.3 mg/dL),
     * as the Kotlin section should read; keep the two in step.
     */
    @Test
    fun readmeExample() {
        val scr = labValue(Analyte.SERUM_CREATININE, 1.3, "mg/dL")
        assertTrue(abs(labValueInUnit(scr, "µmol/L") - 114.92) < 0.01)
        val egfr = estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(ageYears = 60, sex = Sex.FEMALE, creatinine = scr))
        assertEquals(Triple(EgfrEquation.CKD_EPI2021_CR, 47.1, "mL/min/1.73m²"), Triple(egfr.equation, Math.round(egfr.value * 10) / 10.0, egfr.unit))

        // A unit that does not fit is an error, not a silent conversion:
        val err = assertFailsWith<LabException.UnitNotForAnalyte> { labValue(Analyte.SERUM_CREATININE, 1.3, "mmHg") }
        assertEquals("unit_not_for_analyte", err.kind)
        assertEquals("µmol/L", err.accepted.split(", ").first())
    }

    /** The usage example of the crate docs (bindings-mobile/src/lib.rs), as a user writes it. */
    @Test
    fun usageExample() {
        val scr = labValue(Analyte.SERUM_CREATININE, 1.6, "mg/dL")
        val egfr = estimateGfr(protocolDefaultEquation(), EgfrInput(ageYears = 67, sex = Sex.MALE, creatinine = scr))
        assertTrue(egfr.value >= 20.0) // the protocol's eGFR inclusion threshold
        assertEquals(46.93, egfr.value, 0.01) // as the GfrEstimate doc comment says
        assertEquals(EgfrEquation.CKD_EPI2021_CR, egfr.equation)
        assertEquals("mL/min/1.73m²", egfr.unit)
        assertTrue(egfr.normalised)
    }

    @Test
    fun labValueRecordCarriesEnteredAndCanonicalValue() {
        assertEquals(Analyte.SERUM_CREATININE, scr.analyte)
        assertEquals(1.3, scr.value)
        assertEquals("mg/dL", scr.unit)
        assertEquals("µmol/L", scr.canonicalUnit)
        assertTrue(abs(scr.canonicalValue - 114.92) < 0.01)
        assertTrue(abs(labValueInUnit(scr, "mmol/L") - 0.11492) < 1e-5)
        assertEquals("µmol/L", labValue(Analyte.SERUM_CREATININE, 88.4, "umol/l").unit)
    }

    @Test
    fun recordRoundTripThroughJsonIsExact() {
        val json = labValueToJson(scr)
        assertEquals("""{"value":1.3,"unit":"mg/dL"}""", json)
        assertEquals(scr, labValueFromJson(Analyte.SERUM_CREATININE, json))
        assertEquals(scr, scr.copy()) // a data class, compared by value
    }

    @Test
    fun anEditedRecordIsCheckedAgain() {
        val negative = assertFailsWith<LabException.Negative> { labValueInUnit(scr.copy(value = -1.0), "mg/dL") }
        assertEquals("serum_creatinine", negative.analyte)
        assertFailsWith<LabException.UnitNotForAnalyte> { labValueToJson(scr.copy(analyte = Analyte.POTASSIUM)) }
        // A stale canonical value is ignored: the value is rebuilt from value and unit.
        assertTrue(abs(labValueInUnit(scr.copy(canonicalValue = 1.0e6), "µmol/L") - 114.92) < 0.01)
        val lab = assertFailsWith<EgfrException.Lab> {
            estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(50, Sex.MALE, creatinine = scr.copy(unit = "mmHg")))
        }
        assertEquals("unit_not_for_analyte", lab.kind)
    }

    @Test
    fun labExceptionsAreTypedWithTheirFields() {
        val unknown = assertFailsWith<LabException.UnknownUnit> { parseUnit("mg/furlong") }
        assertEquals("unknown_unit", unknown.kind)
        assertEquals("unknown unit `mg/furlong`", unknown.reason)
        assertEquals("mg/furlong", unknown.unit)
        // uniffi's Kotlin `message` lists the fields; `reason` is the text for people.
        assertTrue(unknown.message.contains("kind=unknown_unit"), unknown.message)

        val notFor = assertFailsWith<LabException.UnitNotForAnalyte> { labValue(Analyte.POTASSIUM, 4.0, "mg/dL") }
        assertEquals("unit `mg/dL` does not fit potassium (accepted: mmol/L, mEq/L)", notFor.reason)
        assertEquals(listOf("potassium", "mg/dL", "mmol/L, mEq/L"), listOf(notFor.analyte, notFor.unit, notFor.accepted))

        val analyte = assertFailsWith<LabException.UnknownAnalyte> { parseAnalyte("serum_unobtainium") }
        assertEquals("unknown analyte `serum_unobtainium`", analyte.reason)
        assertEquals("serum_unobtainium", analyte.name)

        val nan = assertFailsWith<LabException.NotFinite> { labValue(Analyte.SERUM_CREATININE, Double.NaN, "mg/dL") }
        assertEquals("serum creatinine is not a finite number", nan.reason)
        assertFailsWith<LabException.NotFinite> { labValue(Analyte.HBA1C, Double.NEGATIVE_INFINITY, "%") }

        val negative = assertFailsWith<LabException.Negative> { labValue(Analyte.UACR, -1.0, "mg/g") }
        assertEquals("urine albumin-to-creatinine ratio is negative", negative.reason)

        val bounds = assertFailsWith<LabException.OutOfBounds> { labValue(Analyte.POTASSIUM, 20.0, "mmol/L") }
        assertEquals("potassium is outside the plausible range 1–15 mmol/L", bounds.reason)
        assertEquals(Triple(1.0, 15.0, "mmol/L"), Triple(bounds.min, bounds.max, bounds.unit))

        val json = assertFailsWith<LabException.InvalidJson> { labValueFromJson(Analyte.SERUM_CREATININE, "{") }
        assertEquals("invalid_json", json.kind)
        assertFailsWith<LabException.InvalidJson> {
            labValueFromJson(Analyte.SERUM_CREATININE, """{"value":1.3,"unit":"mg/dL","extra":1}""")
        }
        assertEquals("invalid lab value JSON: missing field `unit` at line 1 column 13",
            assertFailsWith<LabException.InvalidJson> { labValueFromJson(Analyte.SERUM_CREATININE, """{"value":1.3}""") }.reason)
        val quiet = assertFailsWith<LabException.InvalidJson> {
            labValueFromJson(Analyte.SERUM_CREATININE, """{"value":1.3,"unit":"mg/dL","patient":"secret-4711"}""")
        }
        assertFalse(quiet.reason.contains("4711"), "the input is never repeated: ${quiet.reason}")
        // (A value of the wrong JSON type is still quoted by core's reader: see the ignored Rust
        // test invalid_json_never_repeats_a_mistyped_value.)

        // Every variant is a LabException and a kotlin.Exception.
        val base: Exception = assertFailsWith<LabException> { parseUnit("furlongs") }
        assertEquals("unknown_unit", (base as LabException).errorKind)
    }

    @Test
    fun egfrExceptionsAreTypedWithTheirFields() {
        val equation = assertFailsWith<EgfrException.UnknownEquation> { parseEquation("ckd_epi") }
        assertEquals(Triple("unknown_equation", "unknown equation `ckd_epi` (expected one of ckd_epi_2009_cr, ckd_epi_2021_cr, ckd_epi_2012_cys, ckd_epi_2012_cr_cys, ckd_epi_2021_cr_cys, ekfc_2021_cr, ekfc_2023_cys, ekfc_2023_cr_cys, mdrd4_idms, cockcroft_gault)", "ckd_epi"), Triple(equation.kind, equation.reason, equation.name))

        val missing = assertFailsWith<EgfrException.MissingInput> {
            estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(50, Sex.MALE, creatinine = scr))
        }
        assertEquals(listOf("missing_input", "cockcroft_gault needs weight", "cockcroft_gault", "weight"),
            listOf(missing.kind, missing.reason, missing.equation, missing.input))

        val young = assertFailsWith<EgfrException.AgeOutOfRange> {
            estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(17, Sex.FEMALE, creatinine = scr))
        }
        assertEquals("age is outside the range 18–125 years of ckd_epi_2021_cr", young.reason)
        assertEquals(Pair(18u, 125u), Pair(young.min, young.max))

        val weight = assertFailsWith<EgfrException.WeightOutOfBounds> {
            estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(50, Sex.MALE, creatinine = scr, weightKg = 5.0))
        }
        assertEquals("weight is not within 20–400 kg", weight.reason)
        assertEquals(Pair(20.0, 400.0), Pair(weight.min, weight.max))
        assertFailsWith<EgfrException.WeightOutOfBounds> {
            estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(50, Sex.MALE, creatinine = scr, weightKg = Double.NaN))
        }

        val wrong = assertFailsWith<EgfrException.Lab> {
            estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(50, Sex.MALE, creatinine = labValue(Analyte.CYSTATIN_C, 1.0, "mg/L")))
        }
        assertEquals(Pair("wrong_analyte", "a cystatin C value was given where serum creatinine is expected"), Pair(wrong.kind, wrong.reason))

        val result = assertFailsWith<EgfrException.Lab> {
            estimateGfr(EgfrEquation.MDRD4_IDMS, EgfrInput(18, Sex.MALE, creatinine = labValue(Analyte.SERUM_CREATININE, 0.06, "mg/dL")))
        }
        assertEquals("out_of_bounds", result.kind)
        assertEquals("eGFR is outside the plausible range 0–300 mL/min/1.73m²", result.reason)

        // A negative age is a Long, so it reaches the library's own error.
        val negativeAge = assertFailsWith<EgfrException.InvalidAge> {
            estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(-1, Sex.MALE, creatinine = scr))
        }
        assertEquals("age is not a whole number of years between 0 and 125", negativeAge.reason)
        assertEquals(125u, negativeAge.max)
        assertFailsWith<EgfrException.InvalidAge> { ageFromYears(50.5) }
        assertFailsWith<EgfrException.InvalidAge> { estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInput(Long.MAX_VALUE, Sex.MALE, creatinine = scr)) }

        val sex = assertFailsWith<EgfrException.UnknownSex> { parseSex("x") }
        assertEquals("unknown sex `x` (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)", sex.reason)
        assertEquals("x", sex.text)

        val birth = assertFailsWith<EgfrException.BirthAfterDate> { ageOn("2025-01-02", "2025-01-01") }
        assertEquals("date of birth is after the date of assessment", birth.reason)

        val date = assertFailsWith<EgfrException.InvalidDate> { ageOn("01/03/1960", "2025-03-01") }
        assertEquals(Triple("invalid_date", "`birth_date` is not an ISO-8601 date (YYYY-MM-DD)", "birth_date"), Triple(date.kind, date.reason, date.argument))
        assertEquals("on", assertFailsWith<EgfrException.InvalidDate> { ageOn("1960-03-01", "2025-02-30") }.argument)
    }

    @Test
    fun errorKindsListsEveryKind() {
        val kinds = errorKinds()
        assertEquals(23, kinds.size)
        assertEquals(kinds.sorted(), kinds)
        for (k in listOf("unknown_unit", "unit_not_for_analyte", "unknown_analyte", "not_finite", "negative", "out_of_bounds",
                "invalid_json", "wrong_analyte", "unknown_equation", "missing_input", "age_out_of_range",
                "weight_out_of_bounds", "column_length", "invalid_age", "unknown_sex", "birth_after_date", "invalid_date",
                "malformed", "date_after_screening", "dates_out_of_order", "invalid_value", "invalid_config",
                "internal_error")) {
            assertTrue(k in kinds, k)
        }
    }

    @Test
    fun analytesAndEquationsComeFromCore() {
        val analytes = analytes()
        assertEquals(Analyte.entries.toList(), analytes.map { it.analyte })
        for (a in analytes) {
            assertEquals(a.analyte, parseAnalyte(a.slug))
            assertEquals(a.canonicalUnit, a.units.first())
            assertTrue(a.min <= a.max, a.slug)
        }
        val potassium = analytes.first { it.analyte == Analyte.POTASSIUM }
        assertEquals(listOf("mmol/L", "mEq/L"), potassium.units)
        assertEquals(Pair(1.0, 15.0), Pair(potassium.min, potassium.max))

        val equations = equations()
        assertEquals(EgfrEquation.entries.toList(), equations.map { it.equation })
        for (e in equations) {
            assertEquals(e.equation, parseEquation(e.slug))
            assertTrue("doi:" in e.source, e.slug)
            assertEquals(18u, e.minAge)
        }
        val cg = equations.first { it.equation == EgfrEquation.COCKCROFT_GAULT }
        assertEquals(Triple(false, "mL/min", 120u), Triple(cg.normalised, cg.unit, cg.maxAge))
        assertEquals(EgfrEquation.CKD_EPI2021_CR, protocolDefaultEquation())
    }

    @Test
    fun parsingHelpers() {
        assertEquals("µmol/L", parseUnit("umol/l"))
        assertEquals("mmHg", parseUnit("mm[Hg]"))
        assertEquals("g/24h", parseUnit("g/(24.h)"))
        assertEquals(Sex.FEMALE, parseSex(" F "))
        assertEquals(Sex.MALE, parseSex("男"))
        assertEquals(EgfrEquation.MDRD4_IDMS, parseEquation("mdrd4_idms"))
        assertEquals(64u, ageOn("1960-03-01", "2025-02-28"))
        assertEquals(65u, ageOn("1960-02-29", "2025-03-01"))
        assertEquals(60u, ageFromYears(60.0))
    }

    @Test
    fun egfrInputHasDefaults() {
        val input = EgfrInput(ageYears = 60, sex = Sex.FEMALE)
        assertNull(input.creatinine)
        assertNull(input.cystatinC)
        assertNull(input.weightKg)
        assertFalse(input.black)
        val cg = estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInput(40, Sex.MALE, creatinine = labValue(Analyte.SERUM_CREATININE, 1.0, "mg/dL"), weightKg = 72.0))
        assertEquals("mL/min", cg.unit)
        assertFalse(cg.normalised)
        assertTrue(abs(cg.value - 100.0) < 1e-9)
    }

    @Test
    fun aPanicInsideTheLibraryIsATypedExceptionNotACrash() {
        // The deliberate panic of the test entry point comes out as the function's own error
        // type (Internal), a kotlin.Exception the app can catch, not uniffi's InternalException.
        val e = assertFailsWith<ScreeningException.Internal> { internalPanicForTest() }
        assertEquals("internal_error", e.kind)
        assertTrue(e.reason.startsWith("internal error in amimestrocel-dkd"))
        // The library stays usable after it.
        assertEquals(EgfrEquation.CKD_EPI2021_CR, protocolDefaultEquation())
    }

    @Test
    fun datesAreYyyyMmDdOnly() {
        for (bad in listOf("1960-3-1", " 1960-03-01", "+1960-03-01", "-262143-01-01")) {
            assertFailsWith<EgfrException.InvalidDate>(bad) { ageOn(bad, "2025-03-01") }
        }
    }
}
