// The bad-input matrix of docs/reliability.md, for Kotlin: each class of hostile input gives the
// typed exception that names what was wrong (never a crash, never a silent reading), and the
// library stays usable after it.
package health.amimestrocel.dkd.tests

import health.amimestrocel.dkd.*
import java.time.LocalDate
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class HostileInputTest {
    private fun d(text: String): LocalDate = LocalDate.parse(text)
    private val base = ScreeningRecord(id = "KT-H", sex = Sex.FEMALE, dateOfBirth = d("1962-07-15"), screeningDate = d("2025-06-01"))
    private val baseJson = screeningRecordToJson(base)

    /** Kind and path of the input error [block] raises. */
    private fun invalid(block: () -> Unit): Pair<String, String> {
        val e = assertFailsWith<DkdException.InvalidInput> { block() }
        return Pair(e.kind, e.path)
    }

    @Test
    fun nanAndInfiniteLabValuesAreRefused() {
        for (x in listOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)) {
            assertEquals(Pair("not_finite", ""), invalid { labValue(AnalyteKind.UACR, x, "mg/g") })
            assertEquals(Pair("not_finite", "labs.uacr[0]"), invalid { screen(base.copy(labs = Labs(uacr = listOf(LabEntry(d("2025-05-20"), x, "mg/g"))))) })
        }
    }

    @Test
    fun negativeImplausibleAndUnfittingValuesAreRefused() {
        assertEquals("negative", invalid { labValue(AnalyteKind.SERUM_CREATININE, -1.0, "mg/dL") }.first)
        assertEquals("out_of_bounds", invalid { labValue(AnalyteKind.SERUM_CREATININE, 1e9, "mg/dL") }.first)
        assertEquals("unknown_unit", invalid { labValue(AnalyteKind.UACR, 10.0, "mg/furlong") }.first)
        assertEquals("unit_not_for_analyte", invalid { labValue(AnalyteKind.UACR, 10.0, "mmHg") }.first)
    }

    @Test
    fun malformedJsonTrailingContentAndArraysAreMalformed() {
        for ((text, path) in listOf(
            "{" to ".",
            baseJson + baseJson to ".",
            "$baseJson garbage" to ".",
            """["KT-H", "F", "1962-07-15", "2025-06-01"]""" to ".",
            baseJson.replaceFirst("{", """{"labs": {"uacr": [["2025-05-20", 1200.0, "mg/g"]]}, """) to "labs.uacr[0]",
        )) {
            assertEquals(Pair("malformed", path), invalid { screeningRecordFromJson(text) }, text)
        }
        assertEquals("invalid_json", invalid { labValueFromJson(AnalyteKind.UACR, """{"value": 1, "unit": "mg/g"} x""") }.first)
    }

    @Test
    fun datesInJsonOtherThanYyyyMmDdAreRefusedWithTheirPath() {
        for (bad in listOf("2025-6-1", " 2025-06-01", "+2025-06-01", "-262143-01-10", "2025-02-30")) {
            val text = baseJson.replace("\"screening_date\":\"2025-06-01\"", "\"screening_date\":\"$bad\"")
            assertEquals(Pair("malformed", "screening_date"), invalid { screeningRecordFromJson(text) }, bad)
        }
        // Kotlin's LocalDate reaches years the library's dates do not: refused, not mangled.
        assertEquals(Pair("invalid_date", ""), invalid { screen(base.copy(screeningDate = LocalDate.of(10000, 1, 1))) })
    }

    @Test
    fun datesAfterScreeningOrOutOfOrderAreRefused() {
        assertEquals(Pair("dates_out_of_order", "screening_date"), invalid { screen(base.copy(dateOfBirth = d("2026-01-01"))) })
        assertEquals("date_after_screening", invalid { screen(base.copy(labs = Labs(uacr = listOf(LabEntry(d("2025-07-01"), 1200.0, "mg/g"))))) }.first)
    }

    @Test
    fun anImpossibleAgeIsRefusedNotPending() {
        assertEquals(Pair("invalid_value", "date_of_birth"), invalid { screen(base.copy(dateOfBirth = d("1800-01-01"))) })
        assertEquals("invalid_age", invalid { ageFromYears(200.0) }.first)
        assertEquals("invalid_age", invalid { ageFromYears(Double.NaN) }.first)
    }

    @Test
    fun aConfigurationOutOfBoundsIsRefused() {
        for (field in listOf("egfr_lookback_days", "stroke_lookback_months", "malignancy_lookback_years")) {
            val e = assertFailsWith<DkdException.InvalidConfig>(field) { screenWithConfig(base, """{"$field": 4294967295}""") }
            assertEquals(field, e.path)
        }
        assertFailsWith<DkdException.InvalidConfig> { screenWithConfig(base, "[]") }
    }

    @Test
    fun unknownEquationsAndSexLabelsAreRefused() {
        val e = assertFailsWith<DkdException.InvalidInput> { parseEquation("ckd-epi") }
        assertTrue(e.reason.contains("ckd_epi_2021_cr"), e.reason)
        assertEquals("unknown_sex", invalid { parseSex("x") }.first)
        assertEquals(Sex.FEMALE, parseSex("Female"))
    }

    @Test
    fun aPanicIsTypedAndTheLibraryStaysUsable() {
        repeat(3) { assertFailsWith<DkdException.Internal> { internalPanicForTest() } }
        assertEquals(Status.PENDING, screen(base).status)
    }
}
