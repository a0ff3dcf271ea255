// The shared eligibility vectors (tests/vectors/eligibility/cases.json), run through the Kotlin
// binding as an app that receives JSON would: a case's `record` is written back to JSON text with
// Gson (numbers as they stand in the file) and read with screeningRecordFromJson, a case's `json`
// is passed as it is; then screen(). One JUnit dynamic test per case.
package health.amimestrocel.dkd.tests

import com.google.gson.GsonBuilder
import health.amimestrocel.dkd.*
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.fail

/** Minimum case count, as in core/tests/vectors.rs; an empty or truncated file fails. */
const val MIN_ELIGIBILITY_CASES = 80

class EligibilityVectorTest {
    // Nulls kept and nothing escaped: the text is the record as the file holds it.
    private val gson = GsonBuilder().serializeNulls().disableHtmlEscaping().create()

    @TestFactory
    fun eligibilityCases(): List<DynamicTest> =
        Vectors.cases("eligibility/cases.json", "cases", MIN_ELIGIBILITY_CASES).map { c ->
            val name = c.str("name")
            dynamicTest("eligibility/$name") {
                val text = c.opt("json")?.asString ?: gson.toJson(c.get("record"))
                val expectedError = c.opt("error")?.asJsonObject
                val result = try {
                    screen(screeningRecordFromJson(text))
                } catch (e: DkdException) {
                    if (expectedError == null) fail("$name: ${e.errorKind} at ${e.errorPath} (${e.reasonText}), expected a result")
                    assertEquals(Pair(expectedError.str("kind"), expectedError.str("path")), Pair(e.errorKind, e.errorPath), name)
                    return@dynamicTest
                }
                if (expectedError != null) fail("$name: screened ${statusSlug(result.status)}, expected error $expectedError")
                assertEquals(c.str("status"), statusSlug(result.status), name)
                for ((id, outcome) in c.getAsJsonObject("criteria").entrySet()) {
                    val criterion = assertNotNull(parseCriterionId(id), "$name: no criterion $id")
                    val got = result.criteria.single { it.id == criterion }
                    assertEquals(outcome.asString, outcomeSlug(got.outcome), "$name: $id (${got.reason})")
                }
            }
        }
}
