// Tests of the Kotlin binding layer: the public exception and its fields, records, lists, the
// usage example. The rules themselves are core's, checked by the shared vectors (VectorTest).
package health.amimestrocel.dkd.tests

import health.amimestrocel.dkd.*
import java.time.LocalDate
import kotlin.math.abs
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

class BindingTest {
    private val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.3, "mg/dL")

    /** The kind and reason of an input error raised by [block]. */
    private fun invalid(block: () -> Unit): Pair<String, String> {
        val e = assertFailsWith<DkdException.InvalidInput> { block() }
        return Pair(e.kind, e.reason)
    }

    /**
     * README.md's example (the Rust and Python sections: 60-year-old woman, creatinine 1.3 mg/dL),
     * as the Kotlin section should read; keep the two in step.
     */
    @Test
    fun readmeExample() {
        val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.3, "mg/dL")
        assertTrue(abs(labValueInUnit(scr, "µmol/L") - 114.92) < 0.01)
        val egfr = estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInputs(ageYears = 60, sex = Sex.FEMALE, creatinine = scr))
        assertEquals(Triple(EgfrEquation.CKD_EPI2021_CR, 47.1, "mL/min/1.73m²"), Triple(egfr.equation, Math.round(egfr.value * 10) / 10.0, egfr.unit))
        // A unit that does not fit is an error, not a silent conversion:
        val (kind, reason) = invalid { labValue(AnalyteKind.SERUM_CREATININE, 1.3, "mmHg") }
        assertEquals("unit_not_for_analyte", kind)
        assertEquals("unit `mmHg` does not fit serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)", reason)
    }

    /** The usage example of the crate docs (bindings-mobile/src/lib.rs), as a user writes it. */
    @Test
    fun usageExample() {
        val scr = labValue(AnalyteKind.SERUM_CREATININE, 1.6, "mg/dL")
        val egfr = estimateGfr(protocolDefaultEquation(), EgfrInputs(ageYears = 67, sex = Sex.MALE, creatinine = scr))
        assertTrue(egfr.value >= 20.0) // the protocol's eGFR inclusion threshold
        assertEquals(46.93, egfr.value, 0.01)
        assertEquals(Triple(EgfrEquation.CKD_EPI2021_CR, "mL/min/1.73m²", true), Triple(egfr.equation, egfr.unit, egfr.normalised))
    }

    @Test
    fun aLabValueCarriesEnteredAndCanonicalValue() {
        assertEquals(Triple(AnalyteKind.SERUM_CREATININE, 1.3, "mg/dL"), Triple(scr.analyte, scr.value, scr.unit))
        assertEquals("µmol/L", scr.canonicalUnit)
        assertTrue(abs(scr.canonicalValue - 114.92) < 0.01)
        assertTrue(abs(labValueInUnit(scr, "mmol/L") - 0.11492) < 1e-5)
        assertEquals("µmol/L", labValue(AnalyteKind.SERUM_CREATININE, 88.4, "umol/l").unit)
    }

    @Test
    fun aLabValueRoundTripsThroughJsonExactly() {
        val json = labValueToJson(scr)
        assertEquals("""{"value":1.3,"unit":"mg/dL"}""", json)
        assertEquals(scr, labValueFromJson(AnalyteKind.SERUM_CREATININE, json))
    }

    @Test
    fun anEditedLabValueIsCheckedAgain() {
        assertEquals("negative", invalid { labValueInUnit(scr.copy(value = -1.0), "mg/dL") }.first)
        assertEquals("unit_not_for_analyte", invalid { labValueToJson(scr.copy(analyte = AnalyteKind.POTASSIUM)) }.first)
        // A stale canonical value is ignored: the value is rebuilt from value and unit.
        assertTrue(abs(labValueInUnit(scr.copy(canonicalValue = 1.0e6), "µmol/L") - 114.92) < 0.01)
        assertEquals("unit_not_for_analyte", invalid {
            estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInputs(50, Sex.MALE, creatinine = scr.copy(unit = "mmHg")))
        }.first)
    }

    @Test
    fun inputErrorsCarryCoresKindAndText() {
        val cases = listOf(
            invalid { parseUnit("mg/furlong") } to Pair("unknown_unit", "unknown unit `mg/furlong`"),
            invalid { parseAnalyte("serum_unobtainium") } to Pair("unknown_analyte", "unknown analyte `serum_unobtainium`"),
            invalid { labValue(AnalyteKind.SERUM_CREATININE, Double.NaN, "mg/dL") } to Pair("not_finite", "serum creatinine is not a finite number"),
            invalid { labValue(AnalyteKind.UACR, -1.0, "mg/g") } to Pair("negative", "urine albumin-to-creatinine ratio is negative"),
            invalid { labValue(AnalyteKind.POTASSIUM, 20.0, "mmol/L") } to Pair("out_of_bounds", "potassium is outside the plausible range 1–15 mmol/L"),
            invalid { labValueFromJson(AnalyteKind.SERUM_CREATININE, """{"value":1.3}""") } to Pair("invalid_json", "invalid lab value JSON: missing field `unit` at line 1 column 13"),
            invalid { estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInputs(50, Sex.MALE, creatinine = scr)) } to Pair("missing_input", "cockcroft_gault needs weight"),
            invalid { estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInputs(17, Sex.FEMALE, creatinine = scr)) } to Pair("age_out_of_range", "age is outside the range 18–125 years of ckd_epi_2021_cr"),
            invalid { estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInputs(50, Sex.MALE, creatinine = scr, weightKg = 5.0)) } to Pair("weight_out_of_bounds", "weight is not within 20–400 kg"),
            invalid { estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInputs(50, Sex.MALE, creatinine = labValue(AnalyteKind.CYSTATIN_C, 1.0, "mg/L"))) } to Pair("wrong_analyte", "a cystatin C value was given where serum creatinine is expected"),
            invalid { estimateGfr(EgfrEquation.MDRD4_IDMS, EgfrInputs(18, Sex.MALE, creatinine = labValue(AnalyteKind.SERUM_CREATININE, 0.06, "mg/dL"))) } to Pair("out_of_bounds", "eGFR is outside the plausible range 0–300 mL/min/1.73m²"),
            invalid { estimateGfr(EgfrEquation.CKD_EPI2021_CR, EgfrInputs(-1, Sex.MALE, creatinine = scr)) } to Pair("invalid_age", "age is not a whole number of years between 0 and 125"),
            invalid { parseSex("x") } to Pair("unknown_sex", "unknown sex (expected female/male, F/M, 女/男, or ISO/IEC 5218 code 1 or 2)"),
            invalid { ageOn(LocalDate.parse("2025-01-02"), LocalDate.parse("2025-01-01")) } to Pair("birth_after_date", "date of birth is after the date of assessment"),
        )
        for ((got, expected) in cases) assertEquals(expected, got)
        val quiet = invalid { labValueFromJson(AnalyteKind.SERUM_CREATININE, """{"value":1.3,"unit":"mg/dL","patient":"secret-4711"}""") }
        assertFalse(quiet.second.contains("4711"), "the input is never repeated: ${quiet.second}")
        // Every error is a DkdException, a kotlin.Exception; uniffi's `message` lists the fields.
        val e: Exception = assertFailsWith<DkdException> { parseUnit("furlongs") }
        assertTrue(e.message!!.contains("kind=unknown_unit"), e.message)
        assertEquals("", (e as DkdException).errorPath)
    }

    @Test
    fun errorKindsListsEveryKind() {
        val kinds = errorKinds()
        assertEquals(46, kinds.size)
        assertEquals(kinds.sorted(), kinds)
        for (k in listOf("unknown_unit", "unit_not_for_analyte", "unknown_analyte", "not_finite", "negative", "out_of_bounds",
                "invalid_json", "wrong_analyte", "unknown_equation", "missing_input", "age_out_of_range",
                "weight_out_of_bounds", "column_length", "invalid_age", "unknown_sex", "birth_after_date", "invalid_date",
                "malformed", "date_after_screening", "dates_out_of_order", "invalid_value", "invalid_config",
                "internal_error",
                "invalid_schedule", "date_out_of_range", "invalid_time", "invalid_instrument", "invalid_translation", "unknown_instrument", "unknown_language", "unknown_item", "answer_out_of_scale", "not_applicable_not_allowed", "skip_not_allowed", "session_completed", "session_incomplete", "invalid_session", "corrupt_save", "instrument_mismatch", "invalid_rules", "efficacy_undefined", "storage", "invalid_answer", "missing_column", "invalid_lab", "unsupported_schema_version")) {
            assertTrue(k in kinds, k)
        }
    }

    @Test
    fun analytesAndEquationsComeFromCore() {
        val analytes = analytes()
        assertEquals(AnalyteKind.entries.toList(), analytes.map { it.analyte })
        for (a in analytes) {
            assertEquals(a.analyte, parseAnalyte(a.slug))
            assertEquals(a.canonicalUnit, a.units.first())
            assertTrue(a.min <= a.max, a.slug)
        }
        val potassium = analytes.first { it.analyte == AnalyteKind.POTASSIUM }
        assertEquals(Triple(listOf("mmol/L", "mEq/L"), 1.0, 15.0), Triple(potassium.units, potassium.min, potassium.max))
        assertEquals(listOf("mmol/L", "µmol/L", "mg/dL"), analytes.first { it.analyte == AnalyteKind.URINE_CREATININE }.units)

        val equations = equations()
        assertEquals(EgfrEquation.entries.toList(), equations.map { it.equation })
        for (e in equations) {
            assertEquals(e.equation, parseEquation(e.slug))
            assertTrue("doi:" in e.source, e.slug)
            assertEquals(18u, e.minAge)
        }
        val cg = equations.first { it.equation == EgfrEquation.COCKCROFT_GAULT }
        assertEquals(listOf(false, "mL/min", 120u, listOf("creatinine", "weight_kg")), listOf(cg.normalised, cg.unit, cg.maxAge, cg.needs))
        assertEquals(EgfrEquation.CKD_EPI2021_CR, protocolDefaultEquation())
    }

    @Test
    fun parsingHelpers() {
        assertEquals(listOf("µmol/L", "mmHg", "g/24h"), listOf(parseUnit("umol/l"), parseUnit("mm[Hg]"), parseUnit("g/(24.h)")))
        assertEquals(Pair(Sex.FEMALE, Sex.MALE), Pair(parseSex(" F "), parseSex("男")))
        assertEquals(EgfrEquation.MDRD4_IDMS, parseEquation("mdrd4_idms"))
        assertEquals(64u, ageOn(LocalDate.parse("1960-03-01"), LocalDate.parse("2025-02-28")))
        assertEquals(65u, ageOn(LocalDate.parse("1960-02-29"), LocalDate.parse("2025-03-01")))
        assertEquals(60u, ageFromYears(60.0))
        assertEquals("invalid_age", invalid { ageFromYears(50.5) }.first)
    }

    @Test
    fun egfrInputsHaveDefaults() {
        val inputs = EgfrInputs(ageYears = 60, sex = Sex.FEMALE)
        assertNull(inputs.creatinine)
        assertNull(inputs.cystatinC)
        assertNull(inputs.weightKg)
        assertFalse(inputs.black)
        val cg = estimateGfr(EgfrEquation.COCKCROFT_GAULT, EgfrInputs(40, Sex.MALE, creatinine = labValue(AnalyteKind.SERUM_CREATININE, 1.0, "mg/dL"), weightKg = 72.0))
        assertEquals(Pair("mL/min", false), Pair(cg.unit, cg.normalised))
        assertTrue(abs(cg.value - 100.0) < 1e-9)
    }

    @Test
    fun aPanicInsideTheLibraryIsATypedExceptionNotACrash() {
        // The deliberate panic of the test entry point comes out as DkdException.Internal, a
        // kotlin.Exception the app can catch, not uniffi's InternalException.
        val e = assertFailsWith<DkdException.Internal> { internalPanicForTest() }
        assertEquals("internal_error", e.kind)
        assertTrue(e.reason.startsWith("internal error in amimestrocel-dkd"))
        assertEquals(EgfrEquation.CKD_EPI2021_CR, protocolDefaultEquation()) // still usable
    }

    @Test
    fun aDateKotlinCanHoldButTheLibraryCannotIsATypedError() {
        // LocalDate reaches year 999 999 999; the library's dates stop at 9999 (ISO `YYYY-MM-DD`).
        val e = assertFailsWith<DkdException.InvalidInput> { ageOn(LocalDate.of(1960, 1, 1), LocalDate.of(10000, 1, 1)) }
        assertEquals(Triple("invalid_date", "a date is not an ISO-8601 calendar date (YYYY-MM-DD)", ""), Triple(e.kind, e.reason, e.path))
    }

    /** tests/vectors/names.json: the shared names exist here under the same name (camelCase functions). */
    @Test
    fun everySharedNameIsANameOfTheBinding() {
        val names = Vectors.load("names.json")
        val pkg = "health.amimestrocel.dkd"
        val types = names.getAsJsonArray("types") + names.getAsJsonArray("typed_types") +
            names.getAsJsonObject("errors").getAsJsonArray("kotlin")
        for (t in types) Class.forName("$pkg.${t.asString}") // throws ClassNotFoundException if absent
        val facade = Class.forName("$pkg.Amimestrocel_dkd_mobileKt").methods.map { it.name }.toSet()
        for (f in names.getAsJsonArray("functions")) {
            val camel = f.asString.split("_").mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar { it.uppercase() } }.joinToString("")
            assertTrue(camel in facade, "function $camel")
        }
    }
}
