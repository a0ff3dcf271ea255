// The shared vectors (tests/vectors/units.json and egfr.json), run through the Kotlin binding:
// one JUnit dynamic test per case, so the runner's count includes every case and a failing case
// is named. Each factory refuses a file with fewer cases than the minimum below.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonObject
import health.amimestrocel.dkd.*
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.math.abs
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/** Minimum case counts, as in core/tests/vectors.rs; an empty or truncated file fails. */
const val MIN_CONVERSIONS = 20
const val MIN_UNIT_ERRORS = 10
const val MIN_EGFR_CASES = 30

class VectorTest {
    private fun assertClose(expected: Double, tolerance: Double, got: Double, name: String) {
        assertTrue(abs(got - expected) <= tolerance, "$name: got $got, expected $expected ± $tolerance")
    }

    @TestFactory
    fun unitConversions(): List<DynamicTest> =
        Vectors.cases("units.json", "conversions", MIN_CONVERSIONS).map { c ->
            dynamicTest("units/conversions/${c.str("name")}") {
                val lab = labValue(parseAnalyte(c.str("analyte")), number(c.get("value")), c.str("unit"))
                val got = labValueInUnit(lab, c.str("to_unit"))
                assertClose(number(c.get("expected")), number(c.get("tolerance")), got, c.str("name"))
            }
        }

    @TestFactory
    fun unitErrors(): List<DynamicTest> =
        Vectors.cases("units.json", "errors", MIN_UNIT_ERRORS).map { c ->
            dynamicTest("units/errors/${c.str("name")}") {
                val kind = try {
                    labValue(parseAnalyte(c.str("analyte")), number(c.get("value")), c.str("unit"))
                    null
                } catch (e: DkdException.InvalidInput) {
                    e.errorKind
                }
                assertEquals(c.str("error"), kind, c.str("name"))
            }
        }

    /** Runs one eGFR case in the order core/tests/vectors.rs does; the value, or the error kind. */
    private fun runEgfr(c: JsonObject): Pair<Double?, String?> = try {
        val equation = parseEquation(c.str("equation"))
        val age = ageFromYears(number(c.get("age")))
        val sex = parseSex(c.str("sex"))
        val creatinine = c.opt("creatinine")?.asJsonObject?.let {
            labValue(AnalyteKind.SERUM_CREATININE, number(it.get("value")), it.str("unit"))
        }
        val cystatinC = c.opt("cystatin_c")?.asJsonObject?.let {
            labValue(AnalyteKind.CYSTATIN_C, number(it.get("value")), it.str("unit"))
        }
        val input = EgfrInputs(
            ageYears = age.toLong(),
            sex = sex,
            creatinine = creatinine,
            cystatinC = cystatinC,
            weightKg = c.opt("weight_kg")?.let { number(it) },
            black = c.opt("black")?.asBoolean ?: false,
        )
        val estimate = estimateGfr(equation, input)
        assertEquals(equation, estimate.equation, c.str("name"))
        val expectedUnit = c.opt("unit")?.asString ?: equations().first { it.equation == equation }.unit
        assertEquals(expectedUnit, estimate.unit, c.str("name"))
        assertEquals(equation != EgfrEquation.COCKCROFT_GAULT, estimate.normalised, c.str("name"))
        Pair(estimate.value, null)
    } catch (e: DkdException.InvalidInput) {
        Pair(null, e.kind)
    }

    @TestFactory
    fun egfrCases(): List<DynamicTest> =
        Vectors.cases("egfr.json", "cases", MIN_EGFR_CASES).map { c ->
            dynamicTest("egfr/${c.str("name")}") {
                val name = c.str("name")
                val (value, kind) = runEgfr(c)
                val expectedError = c.opt("error")?.asString
                when {
                    expectedError != null -> assertEquals(expectedError, kind, "$name: got value $value")
                    value == null -> fail("$name: got error $kind, expected a value")
                    else -> assertClose(number(c.get("expected")), number(c.get("tolerance")), value, name)
                }
            }
        }
}
