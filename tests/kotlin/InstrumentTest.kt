// The questionnaires through the Kotlin binding, as the phone app uses them: an app flow with the
// DQOL in Simplified Chinese (answer half, save, drop everything, resume, change, finish), the
// shared scoring vectors (tests/vectors/instruments/), a site translation, FHIR, and typed errors.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonObject
import com.google.gson.JsonParser
import health.amimestrocel.dkd.*
import java.nio.file.Files
import java.time.OffsetDateTime
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

class InstrumentTest {
    private val start = OffsetDateTime.parse("2025-04-01T10:00:00+08:00")
    private fun t(seconds: Int): OffsetDateTime = start.plusSeconds(seconds.toLong())

    @Test
    fun appFlowDqolInChineseAnswerHalfSaveDropResumeChangeFinish() {
        val dir = Files.createTempDirectory("dkd-kotlin-session")
        val file = dir.resolve("dqol-S-001-w4.json").toString()
        var dqol = Instrument.bundled("dqol")
        val view = dqol.view("zh-Hans")
        assertEquals("糖尿病生活质量量表（DQOL）", view.title)
        assertEquals(Wording.PLACEHOLDER, view.wording)
        val items = view.sections.flatMap { it.items }
        assertEquals(46, items.size)
        assertEquals("1 – 非常满意", items[0].options[0].label)
        assertEquals("不适用", view.sections[2].items[0].notApplicable)

        var session = Session.start(dqol, "S-001", "w4", "zh-Hans", t(0))
        items.take(23).forEachIndexed { i, item -> session.answer(item.id, (i % 5 + 1).toLong(), t(i + 1)) }
        assertEquals(23u, session.progress().answered)
        assertEquals("imp09", session.progress().nextItem)
        val saved = session.toJson()
        SessionStore(file).save(session)
        // The app is killed: every object is dropped.
        session.close()
        dqol.close()

        dqol = Instrument.bundled("dqol")
        val stored = SessionStore(file).load(dqol)
        assertNull(stored.recoveredFrom)
        assertEquals(23u, stored.session.progress().answered)
        session = Session.resume(dqol, saved)
        assertEquals(23u, session.progress().answered)
        session.answer("sat01", 5L, t(100)) // was 1
        items.drop(23).forEachIndexed { i, item -> session.answer(item.id, 3L, t(200 + i)) }
        session.notApplicable("svw01", t(300))
        val scores = session.complete(t(400), null)

        // By hand: satisfaction 1..5 three times = 45, sat01 1 -> 5 gives 49; impact 1,2,3,4,5,1,2,3
        // = 21 plus twelve 3s = 57; social worry six 3s of six applicable, prorated 3 x 7 = 21;
        // diabetes worry four 3s = 12; total 139, on 0-100 (230 - 139) / 184 x 100.
        assertEquals(listOf(49.0, 57.0, 21.0, 12.0), scores.sections.map { it.raw })
        assertEquals(true, scores.sections[2].prorated)
        assertEquals(139.0, scores.total)
        assertEquals((230.0 - 139.0) / 184.0 * 100.0, scores.totalTransformed!!, 1e-9)
        assertEquals(SessionStatus.COMPLETED, session.status())

        val audit = session.audit()
        assertEquals(23 + 1 + 23 + 1, audit.size)
        val change = audit[23]
        assertEquals("sat01", change.item)
        assertEquals(Answer.Value(1u), change.old)
        assertEquals(Answer.Value(5u), change.new)
        assertEquals(t(100), change.at)
        assertEquals(Answer.NotApplicable, audit.last().new)

        val e = assertFailsWith<DkdException.InvalidInput> { session.answer("sat02", 1L, t(500)) }
        assertEquals("session_completed", e.kind)
        assertEquals("sat02", e.path)
        // Whatever the answer (off the scale, an unknown item): completed first, as in core.
        for ((item, value) in listOf("sat02" to 9L, "headache" to 1L)) {
            val late = assertFailsWith<DkdException.InvalidInput> { session.answer(item, value, t(500)) }
            assertEquals("session_completed" to item, late.kind to late.path)
        }
    }

    @Test
    fun badInputIsATypedErrorWithTheItemAndTheSessionStaysUsable() {
        val tcm = Instrument.bundled("tcm-dkd")
        val session = Session.start(tcm, "S-002", "baseline", "en", t(0))
        val e = assertFailsWith<DkdException.InvalidInput> { session.answer("fatigue", 3L, t(1)) }
        assertEquals("answer_out_of_scale", e.kind)
        assertEquals("fatigue", e.path)
        session.answer("fatigue", 4L, t(2))
        assertEquals(Answer.Value(4u), session.answerTo("fatigue"))
        // A value beyond a byte is off the scale, not wrapped onto it (260 would be 4 as a UByte).
        for (wide in listOf(260L, -252L, Long.MAX_VALUE)) {
            val off = assertFailsWith<DkdException.InvalidInput> { session.answer("fatigue", wide, t(2)) }
            assertEquals("answer_out_of_scale", off.kind)
        }
        assertEquals(Answer.Value(4u), session.answerTo("fatigue"))
        val incomplete = assertFailsWith<DkdException.InvalidInput> { session.complete(t(3), null) }
        assertEquals("session_incomplete", incomplete.kind)
        assertEquals("dry_mouth_throat", incomplete.path)
        val saved = session.toJson()
        val cut = assertFailsWith<DkdException.InvalidInput> { Session.resume(tcm, saved.substring(0, saved.length / 2)) }
        assertEquals("corrupt_save", cut.kind)
        val other = assertFailsWith<DkdException.InvalidInput> { Session.resume(Instrument.bundled("dqol"), saved) }
        assertEquals("instrument_mismatch", other.kind)
        val unknown = assertFailsWith<DkdException.InvalidInput> { Instrument.bundled("sf-36") }
        assertEquals("unknown_instrument", unknown.kind)
        val broken = assertFailsWith<DkdException.InvalidConfig> { Instrument.fromJson("{\"format\": 1}") }
        assertEquals("invalid_instrument", broken.kind)
        assertTrue("answer_out_of_scale" in errorKinds() && "corrupt_save" in errorKinds())
    }

    @Test
    fun aSiteLoadsItsLicensedWordingFromAFile() {
        val dqol = Instrument.bundled("dqol")
        val template = JsonParser.parseString(dqol.translationTemplate("zh-Hans")).asJsonObject
        template.addProperty("language", "zh-Hans-CN")
        template.addProperty("source", "Site licence 2025-01")
        val texts = template.getAsJsonObject("items")
        assertTrue(texts.entrySet().all { it.value.asString.isEmpty() }, "placeholder item texts are left to fill")
        for (id in texts.keySet().toList()) texts.addProperty(id, "条目 $id")
        texts.addProperty("sat01", "您对管理糖尿病所需的时间满意吗？")
        val site = dqol.withTranslation(template.toString())
        assertTrue("zh-Hans-CN" in site.languages())
        val view = site.view("zh-Hans-CN")
        assertEquals(Wording.LICENSED, view.wording)
        assertEquals(Wording.PLACEHOLDER, site.view("zh-Hans").wording)
        assertEquals("您对管理糖尿病所需的时间满意吗？", view.sections[0].items[0].text)
        template.getAsJsonObject("items").remove("imp07")
        val e = assertFailsWith<DkdException.InvalidConfig> { dqol.withTranslation(template.toString()) }
        assertEquals("items.imp07", e.path)
    }

    @Test
    fun fhirExportsListTheItemsAndTheAnswersGivenAndTheFlatRecordEveryItem() {
        // The resources are validated against FHIR R4 in the Python suite (fhir.resources).
        val tcm = Instrument.bundled("tcm-dkd")
        val q = JsonParser.parseString(tcm.fhirQuestionnaire("zh-Hans")).asJsonObject
        assertEquals("Questionnaire", q.get("resourceType").asString)
        val linkIds = q.getAsJsonArray("item").flatMap { g -> g.asJsonObject.getAsJsonArray("item").map { it.asJsonObject.get("linkId").asString } }
        assertEquals(9, linkIds.size)
        val s = Session.start(tcm, "S-003", "w28", "zh-Hans", t(0))
        s.answer("fatigue", 6L, t(1))
        val r = JsonParser.parseString(s.fhirResponse()).asJsonObject
        assertEquals("QuestionnaireResponse", r.get("resourceType").asString)
        assertEquals("in-progress", r.get("status").asString)
        val answered = r.getAsJsonArray("item")[0].asJsonObject.getAsJsonArray("item")[0].asJsonObject
        assertEquals("fatigue", answered.get("linkId").asString)
        assertEquals("6", answered.getAsJsonArray("answer")[0].asJsonObject.getAsJsonObject("valueCoding").get("code").asString)
        val flat = JsonParser.parseString(s.flatJson(null)).asJsonObject
        assertEquals(9, flat.getAsJsonArray("answers").size())
    }

    private fun apply(session: Session, item: String, answer: com.google.gson.JsonElement, at: OffsetDateTime) {
        val p = answer.asJsonPrimitive
        when {
            p.isNumber -> session.answer(item, p.asLong, at)
            p.asString == "not_applicable" -> session.notApplicable(item, at)
            p.asString == "skipped" -> session.skip(item, at)
            else -> error("not an answer: $p")
        }
    }

    private fun close(want: com.google.gson.JsonElement?, got: Double?, what: String) {
        if (want == null || want.isJsonNull) assertNull(got, what)
        else assertEquals(want.asDouble, assertNotNull(got, what), 1e-9, what)
    }

    @TestFactory
    fun scoringVectors(): List<DynamicTest> =
        Vectors.cases("instruments/scoring.json", "scores", 10).map { c ->
            dynamicTest("instruments/scores/${c.str("name")}") {
                val inst = Instrument.bundled(c.str("instrument"))
                val session = Session.start(inst, "V", "v", "en", start)
                c.opt("all")?.let { all -> inst.view("en").sections.flatMap { it.items }.forEach { apply(session, it.id, all, start) } }
                for ((item, a) in c.getAsJsonObject("answers").entrySet()) apply(session, item, a, start)
                val rules = c.opt("rules")?.asJsonObject?.let {
                    ScoreRules(it.get("min_answered_fraction").asDouble, Transform.valueOf(it.str("transform").uppercase()))
                }
                val scores = session.scores(rules)
                val expected = c.getAsJsonObject("expected")
                val sections = expected.getAsJsonObject("sections")
                assertEquals(sections.size(), scores.sections.size)
                for (s in scores.sections) {
                    val want = sections.getAsJsonObject(s.section)
                    close(want.get("raw"), s.raw, "${s.section} raw")
                    close(want.get("transformed"), s.transformed, "${s.section} transformed")
                    assertEquals(want.get("prorated").asBoolean, s.prorated, s.section)
                }
                close(expected.get("total"), scores.total, "total")
                close(expected.get("total_transformed"), scores.totalTransformed, "total_transformed")
            }
        }

    @TestFactory
    fun answerErrorVectors(): List<DynamicTest> =
        Vectors.cases("instruments/scoring.json", "answer_errors", 5).map { c ->
            dynamicTest("instruments/answer_errors/${c.str("name")}") {
                val session = Session.start(Instrument.bundled(c.str("instrument")), "V", "v", "en", start)
                val e = assertFailsWith<DkdException.InvalidInput> { apply(session, c.str("item"), c.get("answer"), start) }
                assertEquals(c.getAsJsonObject("error").str("kind"), e.kind)
                assertEquals(c.getAsJsonObject("error").str("path"), e.path)
                assertEquals(0u, session.progress().answered)
            }
        }

    @TestFactory
    fun efficacyVectors(): List<DynamicTest> =
        Vectors.cases("instruments/scoring.json", "efficacy", 8).map { c ->
            dynamicTest("instruments/efficacy/${c.str("name")}") {
                val th = c.opt("thresholds")?.asJsonObject?.let {
                    EfficacyThresholds(it.get("clinical_recovery").asDouble, it.get("markedly_effective").asDouble, it.get("effective").asDouble)
                }
                val err = c.opt("error")?.asJsonObject
                if (err != null) {
                    val e = assertFailsWith<DkdException> { efficacy(c.get("pre").asDouble, c.get("post").asDouble, th) }
                    val kind = when (e) {
                        is DkdException.InvalidInput -> e.kind
                        is DkdException.InvalidConfig -> e.kind
                        is DkdException.Internal -> e.kind
                    }
                    assertEquals(err.str("kind"), kind)
                } else {
                    val got = efficacy(c.get("pre").asDouble, c.get("post").asDouble, th)
                    assertEquals(c.get("index_percent").asDouble, got.indexPercent, 1e-9)
                    assertEquals(EfficacyCategory.valueOf(c.str("category").uppercase()), got.category)
                }
            }
        }
}
