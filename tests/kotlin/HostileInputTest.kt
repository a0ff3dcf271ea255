// The bad-input matrix of docs/reliability.md, for Kotlin: each class of hostile input gives the
// typed exception that names what was wrong (never a crash, never a silent reading), and the
// library stays usable after it.
package health.amimestrocel.dkd.tests

import health.amimestrocel.dkd.*
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse

class HostileInputTest {
    private val base = ScreeningRecord(id = "KT-H", sex = Sex.FEMALE, dateOfBirth = "1962-07-15", screeningDate = "2025-06-01")
    private val baseJson = screeningRecordToJson(base)

    @Test
    fun nanAndInfiniteLabValuesAreRefused() {
        for (x in listOf(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)) {
            assertFailsWith<LabException.NotFinite> { labValue(Analyte.UACR, x, "mg/g") }
            val e = assertFailsWith<ScreeningException.Lab> {
                screen(base.copy(labs = Labs(uacr = listOf(LabEntry("2025-05-20", x, "mg/g")))))
            }
            assertEquals(Pair("not_finite", "labs.uacr[0]"), Pair(e.kind, e.path))
        }
    }

    @Test
    fun negativeAndImplausibleValuesAreRefused() {
        assertFailsWith<LabException.Negative> { labValue(Analyte.SERUM_CREATININE, -1.0, "mg/dL") }
        assertFailsWith<LabException.OutOfBounds> { labValue(Analyte.SERUM_CREATININE, 1e9, "mg/dL") }
    }

    @Test
    fun unknownAndUnfittingUnitsAreRefused() {
        assertFailsWith<LabException.UnknownUnit> { labValue(Analyte.UACR, 10.0, "mg/furlong") }
        assertFailsWith<LabException.UnitNotForAnalyte> { labValue(Analyte.UACR, 10.0, "mmHg") }
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
            val e = assertFailsWith<ScreeningException.Malformed>(text) { screeningRecordFromJson(text) }
            assertEquals(path, e.path, text)
        }
        assertFailsWith<LabException.InvalidJson> { labValueFromJson(Analyte.UACR, """{"value": 1, "unit": "mg/g"} x""") }
    }

    @Test
    fun datesOtherThanYyyyMmDdAndExtremeDatesAreRefused() {
        for (bad in listOf("2025-6-1", " 2025-06-01", "+2025-06-01", "-262143-01-10", "2025-02-30")) {
            val e = assertFailsWith<ScreeningException.InvalidDate>(bad) { screen(base.copy(screeningDate = bad)) }
            assertEquals("screening_date", e.path)
        }
    }

    @Test
    fun datesAfterScreeningOrOutOfOrderAreRefused() {
        assertFailsWith<ScreeningException.DatesOutOfOrder> { screen(base.copy(dateOfBirth = "2026-01-01")) }
        assertFailsWith<ScreeningException.DateAfterScreening> {
            screen(base.copy(labs = Labs(uacr = listOf(LabEntry("2025-07-01", 1200.0, "mg/g")))))
        }
    }

    @Test
    fun anImpossibleAgeIsRefusedNotPending() {
        val e = assertFailsWith<ScreeningException.InvalidValue> { screen(base.copy(dateOfBirth = "1800-01-01")) }
        assertEquals("date_of_birth", e.path)
        assertFailsWith<EgfrException.InvalidAge> { ageFromYears(200.0) }
        assertFailsWith<EgfrException.InvalidAge> { ageFromYears(Double.NaN) }
    }

    @Test
    fun aConfigurationOutOfBoundsIsRefused() {
        for (field in listOf("egfr_lookback_days", "stroke_lookback_months", "malignancy_lookback_years")) {
            val e = assertFailsWith<ScreeningException.InvalidConfig>(field) { screenWithConfig(base, """{"$field": 4294967295}""") }
            assertEquals(field, e.path)
        }
        assertFailsWith<ScreeningException.InvalidConfig> { screenWithConfig(base, "[]") }
    }

    @Test
    fun unknownEquationsAndSexLabelsAreRefused() {
        val e = assertFailsWith<EgfrException.UnknownEquation> { parseEquation("ckd-epi") }
        assertFalse(!e.reason.contains("ckd_epi_2021_cr"), e.reason)
        assertFailsWith<EgfrException.UnknownSex> { parseSex("x") }
        assertEquals(Sex.FEMALE, parseSex("Female"))
    }

    @Test
    fun aPanicIsTypedAndTheLibraryStaysUsable() {
        repeat(3) { assertFailsWith<ScreeningException.Internal> { internalPanicForTest() } }
        assertEquals(Status.PENDING, screen(base).status)
    }
}
