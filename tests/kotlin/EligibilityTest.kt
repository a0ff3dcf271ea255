// Tests of the Kotlin binding layer for eligibility: typed records built in Kotlin code (not from
// JSON) and screened, typed errors with their field paths, the JSON round trip, the criteria list,
// slugs and the configuration. The criteria themselves are core's, checked by the shared vectors
// (EligibilityVectorTest).
package health.amimestrocel.dkd.tests

import health.amimestrocel.dkd.*
import java.time.LocalDate
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

class EligibilityTest {
    private fun d(text: String): LocalDate = LocalDate.parse(text)

    /** A candidate who meets every criterion, built field by field (the vectors' base record, typed). */
    private val eligible = ScreeningRecord(
        id = "KT-001",
        sex = Sex.FEMALE,
        dateOfBirth = d("1962-07-15"),
        screeningDate = d("2025-06-01"),
        type2Diabetes = true,
        kidneyBiopsy = KidneyBiopsy(date = d("2021-03-10"), finding = BiopsyFinding.DIABETIC_KIDNEY_DISEASE),
        nonDiabeticKidneyDisease = false,
        labs = Labs(
            urineProtein24h = listOf(LabEntry(d("2025-04-02"), 4.2, "g/24h"), LabEntry(d("2025-05-20"), 3900.0, "mg/24h")),
            uacr = listOf(LabEntry(date = d("2025-05-20"), value = 1850.0, unit = "mg/g")),
            creatinine = listOf(LabEntry(d("2025-05-20"), 150.0, "µmol/L")),
            hba1c = listOf(LabEntry(d("2025-05-20"), 7.4, "%")),
            triglycerides = listOf(LabEntry(d("2025-05-20"), 2.3, "mmol/L")),
            ldlCholesterol = listOf(LabEntry(d("2025-05-20"), 2.9, "mmol/L")),
            potassium = listOf(LabEntry(d("2025-05-20"), 4.8, "mmol/L")),
            hbvDna = listOf(ViralLoad(d("2025-05-20"), 0.0, 20.0)),
            hcvRna = listOf(ViralLoad(date = d("2025-05-20"), value = 0.0, upperLimitOfNormal = 15.0)),
        ),
        bloodPressures = listOf(BloodPressure(date = d("2025-05-28"), systolic = 142.0, diastolic = 86.0, unit = "mmHg")),
        medications = listOf(Medication(name = "insulin glargine", start = d("2019-01-01"))),
        conditions = emptyList(),
        lactating = false,
        pregnant = false,
        pregnancyOrEggDonationPlan = false,
        otherTrials = emptyList(),
        informedConsent = true,
        investigatorDeemsUnsuitable = false,
    )

    private fun ScreeningResult.outcome(id: CriterionId): Outcome = criteria.single { it.id == id }.outcome

    @Test
    fun aTypedRecordBuiltInCodeIsScreened() {
        val result = screen(eligible)
        assertEquals(Status.ELIGIBLE, result.status, result.criteria.filter { it.outcome != Outcome.MET && it.kind == CriterionKind.INCLUSION }.toString())
        assertEquals(Pair("KT-001", d("2025-06-01")), Pair(result.id, result.screeningDate))
        assertEquals(CriterionId.entries.toList(), result.criteria.map { it.id })
        assertTrue(result.configVersion.isNotEmpty())
        for (c in result.criteria) {
            val expected = if (c.kind == CriterionKind.INCLUSION) Outcome.MET else Outcome.NOT_MET
            assertEquals(expected, c.outcome, "${criterionIdSlug(c.id)}: ${c.reason}")
            assertTrue(c.reason.isNotBlank(), criterionIdSlug(c.id))
        }

        val uacr = result.criteria.single { it.id == CriterionId.INC_UACR }
        val evidence = uacr.evidence.single()
        assertEquals("labs.uacr[0]", evidence.field)
        assertEquals(d("2025-05-20"), evidence.date)
        assertEquals(Quantity(1850.0, "mg/g"), evidence.entered)
        assertEquals("mg/g", evidence.converted?.unit)
    }

    @Test
    fun editedCopiesChangeTheOutcome() {
        // 113.12 mg/mmol is exactly 1000 mg/g: not > 1000, so the UACR inclusion is not met.
        val onTheThreshold = eligible.copy(labs = eligible.labs.copy(uacr = listOf(LabEntry(d("2025-05-20"), 113.12, "mg/mmol"))))
        val result = screen(onTheThreshold)
        assertEquals(Status.INELIGIBLE, result.status)
        val uacr = result.criteria.single { it.id == CriterionId.INC_UACR }
        assertEquals(Outcome.NOT_MET, uacr.outcome, uacr.reason)
        assertEquals(1000.0, assertNotNull(uacr.evidence.single().converted).value, 1e-6)

        // null is "not yet known": pending, never quietly "not met".
        val unknownConsent = screen(eligible.copy(informedConsent = null))
        assertEquals(Status.PENDING, unknownConsent.status)
        assertEquals(Outcome.UNKNOWN, unknownConsent.outcome(CriterionId.INC_CONSENT))

        // An exclusion that is met makes the candidate ineligible.
        val tacrolimus = Medication(name = "tacrolimus", start = d("2025-05-01"), end = d("2025-05-20"))
        val excluded = screen(eligible.copy(medications = eligible.medications!! + tacrolimus))
        assertEquals(Status.INELIGIBLE, excluded.status)
        assertEquals(Outcome.MET, excluded.outcome(CriterionId.EXC_IMMUNOSUPPRESSANT))
        // ... unless it is not systemic.
        val topical = screen(eligible.copy(medications = listOf(tacrolimus.copy(systemic = false))))
        assertEquals(Outcome.NOT_MET, topical.outcome(CriterionId.EXC_IMMUNOSUPPRESSANT))

        // Conditions carry their attributes.
        val heart = screen(eligible.copy(conditions = listOf(Condition(ConditionKind.HEART_FAILURE, onset = d("2024-01-01"), nyhaClass = 3u))))
        assertEquals(Outcome.MET, heart.outcome(CriterionId.EXC_SEVERE_CARDIOVASCULAR))
        val trial = screen(eligible.copy(otherTrials = listOf(TrialParticipation(interventional = true, start = d("2025-04-01")))))
        assertEquals(Outcome.MET, trial.outcome(CriterionId.EXC_OTHER_TRIAL))
    }

    /** Kind, path and reason of the input error [block] raises. */
    private fun invalid(block: () -> Unit): Triple<String, String, String> {
        val e = assertFailsWith<DkdException.InvalidInput> { block() }
        return Triple(e.kind, e.path, e.reason)
    }

    @Test
    fun aLabDateAfterScreeningIsATypedErrorWithItsPath() {
        val late = eligible.copy(labs = eligible.labs.copy(uacr = listOf(LabEntry(d("2025-07-01"), 1850.0, "mg/g"))))
        val (kind, path, reason) = invalid { screen(late) }
        assertEquals(Triple("date_after_screening", "labs.uacr[0].date", "labs.uacr[0].date: date is after the screening date"), Triple(kind, path, reason))
        assertFalse(reason.contains("2025-07-01"), "no value of the record in the message: $reason")
    }

    @Test
    fun everyRecordErrorIsTypedWithKindReasonAndPath() {
        val badUnit = eligible.copy(labs = eligible.labs.copy(creatinine = listOf(LabEntry(d("2025-05-20"), 150.0, "mg/furlong"))))
        assertEquals(Triple("unknown_unit", "labs.creatinine[0]", "labs.creatinine[0]: unknown unit `mg/furlong` for serum creatinine (accepted: µmol/L, mg/dL, mmol/L, mg/L)"), invalid { screen(badUnit) })

        val kpaInHba1c = eligible.copy(labs = eligible.labs.copy(hba1c = listOf(LabEntry(d("2025-05-20"), 7.4, "kPa"))))
        assertEquals("unit_not_for_analyte", invalid { screen(kpaInHba1c) }.first)

        val backwards = eligible.copy(medications = listOf(Medication(name = "metformin", start = d("2025-05-01"), end = d("2025-04-01"))))
        assertEquals(Triple("dates_out_of_order", "medications[0].end", "medications[0].end: date is before `start` of the same entry"), invalid { screen(backwards) })

        val nyha5 = eligible.copy(conditions = listOf(Condition(ConditionKind.HEART_FAILURE, nyhaClass = 5u)))
        assertEquals(Triple("invalid_value", "conditions[0].nyha_class", "conditions[0].nyha_class: NYHA class is 1, 2, 3 or 4"), invalid { screen(nyha5) })

        assertEquals(Pair("malformed", "colour"), invalid { screeningRecordFromJson("""{"id": "X", "sex": "female", "colour": 1}""") }.let { Pair(it.first, it.second) })
        assertEquals(".", invalid { screeningRecordFromJson("id=X; sex=F") }.second)

        val config = assertFailsWith<DkdException.InvalidConfig> {
            screenWithConfig(eligible, """{"uacr": {"bound": "above", "value": 1000, "unit": "mmHg"}}""")
        }
        assertEquals(Pair("invalid_config", "uacr"), Pair(config.kind, config.path))
        assertEquals("uacr.bound", assertFailsWith<DkdException.InvalidConfig> {
            screenWithConfig(eligible, """{"uacr": {"bound": "over", "value": 1000, "unit": "mg/g"}}""")
        }.path)

        // Every error is a DkdException (a kotlin.Exception) with a kind listed by errorKinds().
        val base: Exception = assertFailsWith<DkdException> { screen(badUnit) }
        assertTrue((base as DkdException).errorKind in errorKinds())
        assertTrue(base.message!!.contains("path=labs.creatinine[0]"), base.message)
    }

    @Test
    fun aTypedRecordRoundTripsThroughJson() {
        val record = eligible.copy(
            conditions = listOf(Condition(ConditionKind.LACUNAR_INFARCTION, onset = d("2024-01-01"), residualDeficit = false)),
            otherTrials = null,
        )
        val json = screeningRecordToJson(record)
        val back = screeningRecordFromJson(json)
        assertEquals(record, back)
        assertEquals(json, screeningRecordToJson(back))
        // "Asked, none" and "not known" survive the trip.
        assertEquals(emptyList(), screeningRecordFromJson(screeningRecordToJson(eligible)).otherTrials)
        assertNull(back.otherTrials)
        // The JSON is the documented form, which other apps and bindings read.
        assertTrue(json.contains(""""date_of_birth":"1962-07-15""""), json)
        assertEquals(screen(record), screen(back))

        // A NaN cannot be written as JSON: refused at its path rather than written as null.
        val nan = eligible.copy(labs = eligible.labs.copy(uacr = listOf(LabEntry(d("2025-05-20"), Double.NaN, "mg/g"))))
        assertEquals(Pair("malformed", "labs.uacr[0].value"), invalid { screeningRecordToJson(nan) }.let { Pair(it.first, it.second) })
    }

    @Test
    fun jsonFromElsewhereReadsIntoTheTypedRecord() {
        val record = screeningRecordFromJson(
            """{"id": "P-002", "sex": "M", "date_of_birth": "1960-02-29", "screening_date": "2025-06-01",
               "labs": {"uacr": [{"date": "2025-05-20", "value": 1200, "unit": "mg/g"}]},
               "medications": [{"name": "环孢素", "start": "2025-05-01"}]}"""
        )
        assertEquals(Sex.MALE, record.sex)
        assertEquals(listOf(LabEntry(d("2025-05-20"), 1200.0, "mg/g")), record.labs.uacr)
        assertEquals(Medication(name = "环孢素", systemic = true, start = d("2025-05-01"), end = null), record.medications!!.single())
        assertNull(record.conditions)
        assertEquals(emptyList(), record.bloodPressures)
        assertEquals(Outcome.MET, screen(record).outcome(CriterionId.EXC_IMMUNOSUPPRESSANT))
    }

    @Test
    fun criteriaAndSlugsComeFromCore() {
        val list = criteria()
        assertEquals(CriterionId.entries.toList(), list.map { it.id })
        assertEquals(23, list.size)
        assertEquals(9, list.count { it.kind == CriterionKind.INCLUSION })
        for (c in list) {
            assertEquals(c.id, parseCriterionId(criterionIdSlug(c.id)))
            assertTrue(criterionIdSlug(c.id).startsWith(if (c.kind == CriterionKind.INCLUSION) "inc_" else "exc_"), criterionIdSlug(c.id))
            assertTrue(c.protocolText.isNotBlank())
        }
        val hba1c = list.single { it.id == CriterionId.INC_HBA1C }
        assertEquals("Glycated hemoglobin (HbA1c) < 9%.", hba1c.protocolText)
        assertTrue(Parameter("hba1c", "< 9 %") in hba1c.parameters, hba1c.parameters.toString())
        assertNull(parseCriterionId("inc_colour"))
        assertEquals(listOf("met", "not_met", "unknown"), Outcome.entries.map { outcomeSlug(it) })
        assertEquals(listOf("eligible", "ineligible", "pending"), Status.entries.map { statusSlug(it) })
        assertEquals(listOf("inclusion", "exclusion"), CriterionKind.entries.map { criterionKindSlug(it) })
    }

    @Test
    fun theConfigurationIsJsonInCoresForm() {
        val config = defaultConfigJson()
        assertTrue(""""uacr"""" in config, config)
        assertEquals(screen(eligible), screenWithConfig(eligible, config))
        val strict = screenWithConfig(eligible, """{"urine_protein_min_measurements": 3}""")
        assertEquals(Status.PENDING, strict.status)
        assertEquals(Outcome.UNKNOWN, strict.outcome(CriterionId.INC_URINE_PROTEIN))
        assertNotEquals(screen(eligible), strict)
    }
}
