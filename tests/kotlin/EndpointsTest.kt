// A participant's own endpoints through the Kotlin binding, as the phone app uses them: the
// shared hand-computed vectors (tests/vectors/endpoints/), the eGFR trend for a chart, and
// typed errors naming the field.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonElement
import com.google.gson.JsonObject
import health.amimestrocel.dkd.*
import java.time.LocalDate
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import kotlin.math.abs
import kotlin.math.max
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNull
import kotlin.test.assertTrue

class EndpointsTest {
    private fun close(got: Double?, want: JsonElement?, what: String) {
        if (want == null) {
            assertNull(got, what)
            return
        }
        val w = number(want)
        assertTrue(got != null && abs(got - w) <= 1e-9 * max(abs(w), 1.0), "$what: $got != $w")
    }

    private fun event(got: EventTime?, want: JsonElement?, what: String) {
        if (want == null) {
            assertNull(got, what)
            return
        }
        val w = want.asJsonObject
        requireNotNull(got) { "$what: none" }
        assertEquals(w.get("event").asBoolean, got.event, what)
        assertEquals(LocalDate.parse(w.str("date")), got.date, what)
        assertEquals(w.get("days").asLong, got.days, what)
        assertEquals(w.opt("component")?.asString, got.component, what)
    }

    private fun flag(want: JsonElement?): Boolean? = want?.asBoolean

    @TestFactory
    fun participantVectors(): List<DynamicTest> =
        Vectors.cases("endpoints/participants.json", "cases", 4).map { c ->
            val name = c.str("name")
            dynamicTest("endpoints/$name") {
                val p = endpointsDerive(c.get("timeline").toString(), c.opt("config")?.toString())
                val e = c.getAsJsonObject("expect")
                assertEquals(e.get("dosed").asBoolean, p.dosed, name)
                for (w in e.getAsJsonArray("rows").map { it.asJsonObject }) {
                    // A value counts once per visit that shares its target (d28 and w4): rows are
                    // told apart by their visit too.
                    val avisit = w.opt("avisit")?.asString
                    val found = p.rows.filter {
                        it.paramcd == w.str("paramcd") && it.adt == LocalDate.parse(w.str("adt")) && it.avisit == avisit
                    }
                    assertEquals(1, found.size, "$name: ${w.str("paramcd")} ${w.str("adt")} $avisit")
                    val r = found.single()
                    val what = "$name: ${r.paramcd} ${r.adt} ${r.avisit}"
                    close(r.aval, w.get("aval"), "$what aval")
                    close(r.base, w.opt("base"), "$what base")
                    close(r.chg, w.opt("chg"), "$what chg")
                    close(r.pchg, w.opt("pchg"), "$what pchg")
                    assertEquals(w.get("ablfl").asBoolean, r.ablfl, what)
                    assertEquals(w.get("anl01fl").asBoolean, r.anl01fl, what)
                }
                if (e.getAsJsonArray("rows").size() == 0) assertTrue(p.rows.isEmpty(), name)
                if (e.has("renal_composite")) event(p.renalComposite, e.opt("renal_composite"), "$name renal")
                if (e.has("mace")) event(p.mace, e.opt("mace"), "$name mace")
                if (e.has("death")) event(p.death, e.opt("death"), "$name death")
                if (e.has("unconfirmed_decline")) {
                    assertEquals(e.opt("unconfirmed_decline")?.asString?.let(LocalDate::parse), p.unconfirmedDecline, name)
                }
                e.opt("landmarks")?.asJsonArray?.let { landmarks ->
                    assertEquals(landmarks.size(), p.landmarks.size, name)
                    for ((got, want) in p.landmarks.zip(landmarks.map { it.asJsonObject })) {
                        assertEquals(want.str("visit"), got.visit)
                        assertEquals(LocalDate.parse(want.str("date")), got.date)
                        assertEquals(flag(want.opt("renal_composite")), got.renalComposite, "$name ${got.visit} renal")
                        assertEquals(flag(want.opt("mace")), got.mace, "$name ${got.visit} mace")
                        assertEquals(flag(want.opt("death")), got.death, "$name ${got.visit} death")
                    }
                }
                e.opt("adverse_events")?.asJsonObject?.let { a ->
                    val s = p.adverseEvents
                    assertEquals(a.get("before_treatment").asInt, s.beforeTreatment.toInt(), name)
                    assertEquals(a.get("treatment_emergent").asInt, s.treatmentEmergent.toInt(), name)
                    assertEquals(a.get("serious").asInt, s.serious.toInt(), name)
                    assertEquals(a.get("related").asInt, s.related.toInt(), name)
                    assertEquals(a.get("grade_3_or_above").asInt, s.grade3OrAbove.toInt(), name)
                    assertEquals(a.get("after_window").asInt, s.afterWindow.toInt(), name)
                }
                assertEquals(e.get("unusable").asInt, p.unusable.size, name)
            }
        }

    @TestFactory
    fun refusedTimelineVectors(): List<DynamicTest> =
        Vectors.cases("endpoints/participants.json", "errors", 5).map { c ->
            dynamicTest("endpoints/errors/${c.str("name")}") {
                val e = assertFailsWith<DkdException.InvalidInput> { endpointsDerive(c.get("timeline").toString(), null) }
                assertEquals(c.str("kind"), e.kind)
                assertEquals(c.str("path"), e.path)
            }
        }

    @Test
    fun theEgfrTrendIsTheBaselineAndEachVisitInDateOrder() {
        val timeline = """{"schema_version": 1, "id": "P", "sex": "male", "birth_date": "1958-01-01",
            "first_infusion": "2025-03-03", "last_contact": "2026-04-01",
            "labs": [{"date": "2026-03-01", "analyte": "serum_creatinine", "value": 1.4, "unit": "mg/dL"},
                     {"date": "2025-03-01", "analyte": "serum_creatinine", "value": 1.6, "unit": "mg/dL"},
                     {"date": "2025-09-14", "analyte": "serum_creatinine", "value": 1.5, "unit": "mg/dL"},
                     {"date": "2025-10-20", "analyte": "serum_creatinine", "value": 1.9, "unit": "mg/dL"}]}"""
        val trend = endpointsTrend(endpointsDerive(timeline, null), "EGFR")
        assertEquals(listOf("baseline", "w28", "m12"), trend.map { it.avisit })
        assertTrue(trend.first().ablfl && trend.drop(1).all { (it.chg ?: 0.0) > 0.0 })
    }

    @Test
    fun aBadReadingIsAConfigurationError() {
        val e = assertFailsWith<DkdException.InvalidConfig> {
            endpointsDerive("""{"schema_version": 1, "id": "P", "sex": "male", "birth_date": "1958-01-01", "last_contact": "2026-04-01"}""",
                """{"decline_fraction": 2}""")
        }
        assertEquals("decline_fraction", e.path)
    }
}
