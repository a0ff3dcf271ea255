// The visit schedule through the Kotlin binding, as the phone app uses it: the shared vectors
// (tests/vectors/schedule/), the next visit and what it needs, the iCalendar export with a
// booked time and reminders, and typed errors.
package health.amimestrocel.dkd.tests

import com.google.gson.JsonObject
import health.amimestrocel.dkd.*
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

class ScheduleTest {
    private fun readings(c: JsonObject): String? = c.opt("readings")?.toString()

    private fun participant(p: JsonObject): ParticipantSchedule = ParticipantSchedule(
        id = p.str("id"),
        firstInfusion = p.opt("first_infusion")?.asString?.let(LocalDate::parse),
        plannedFirstInfusion = p.opt("planned_first_infusion")?.asString?.let(LocalDate::parse),
        observations = (p.opt("observations")?.asJsonArray ?: com.google.gson.JsonArray()).map {
            val o = it.asJsonObject
            Observation(LocalDate.parse(o.str("date")), o.str("activity"))
        },
        screeningDate = p.opt("screening_date")?.asString?.let(LocalDate::parse),
        leftStudy = p.opt("left_study")?.asString?.let(LocalDate::parse),
    )

    @TestFactory
    fun calendarVectors(): List<DynamicTest> =
        Vectors.cases("schedule/calendar.json", "cases", 8).map { c ->
            dynamicTest("schedule/calendar/${c.str("name")}") {
                val first = c.opt("first_infusion")?.asString
                val calendar = scheduleCalendar(LocalDate.parse(first ?: c.str("planned_first_infusion")), first == null, readings(c))
                assertEquals(c.get("planned").asBoolean, calendar.anchor.planned)
                val expected = c.getAsJsonArray("visits").map { it.asJsonObject }
                assertEquals(expected.size, calendar.visits.size)
                for ((got, want) in calendar.visits.zip(expected)) {
                    assertEquals(want.str("visit"), got.visit)
                    assertEquals(LocalDate.parse(want.str("target")), got.target, got.visit)
                    assertEquals(want.get("study_day").asLong, got.studyDay, got.visit)
                    assertEquals(LocalDate.parse(want.str("window_first")), got.windowFirst, got.visit)
                    assertEquals(LocalDate.parse(want.str("window_last")), got.windowLast, got.visit)
                }
            }
        }

    @TestFactory
    fun statusVectors(): List<DynamicTest> =
        Vectors.cases("schedule/status.json", "cases", 8).map { c ->
            val name = c.str("name")
            dynamicTest("schedule/status/$name") {
                val error = c.opt("error")?.asJsonObject
                if (error != null) {
                    val e = assertFailsWith<DkdException.InvalidInput>(name) {
                        scheduleStatus(participant(c.getAsJsonObject("participant")), LocalDate.parse(c.str("on")), readings(c))
                    }
                    assertEquals(Pair(error.str("kind"), error.str("path")), Pair(e.kind, e.path), name)
                    return@dynamicTest
                }
                val status = scheduleStatus(participant(c.getAsJsonObject("participant")), LocalDate.parse(c.str("on")), readings(c))
                val states = c.getAsJsonObject("statuses")
                assertEquals(states.size(), status.visits.size, name)
                for (v in status.visits) assertEquals(states.get(v.visit).asString, visitStateSlug(v.state), "$name: ${v.visit}")
                assertEquals(c.opt("next_visit")?.asString, status.nextVisit, name)
                val assignments = c.getAsJsonArray("assignments").map { it.asJsonObject }
                assertEquals(assignments.size, status.assignments.size, name)
                for ((got, want) in status.assignments.zip(assignments)) {
                    assertEquals(want.get("observation").asInt, got.observation.toInt(), name)
                    assertEquals(want.getAsJsonArray("visits").map { it.asString }, got.visits, name)
                    val role = when (got.role) {
                        AssignmentRole.IN_WINDOW -> "in_window"
                        AssignmentRole.OUT_OF_WINDOW -> "out_of_window"
                        AssignmentRole.REPEAT -> "repeat"
                        AssignmentRole.UNSCHEDULED -> "unscheduled"
                    }
                    assertEquals(want.str("role"), role, name)
                }
                val deviations = status.deviations.map { d ->
                    when (d) {
                        is Deviation.MissedVisit -> listOf("missed_visit", d.visit)
                        is Deviation.MissedInfusion -> listOf("missed_infusion", d.visit)
                        is Deviation.InfusionOutOfWindow -> listOf("infusion_out_of_window", d.visit, d.daysOutside.toString())
                        is Deviation.AssessmentMissing -> listOf("assessment_missing", d.visit, assessmentSlug(d.assessment))
                        is Deviation.ExtraInfusion -> listOf("extra_infusion", d.visit, d.date.toString())
                    }
                }
                val expected = c.getAsJsonArray("deviations").map { it.asJsonObject }.map { d ->
                    listOfNotNull(
                        d.str("kind"), d.str("visit"), d.opt("days_outside")?.asLong?.toString(), d.opt("assessment")?.asString,
                        d.opt("date")?.asString,
                    )
                }
                assertEquals(expected, deviations, name)
                c.opt("targets")?.asJsonObject?.entrySet()?.forEach { (visit, target) ->
                    assertEquals(LocalDate.parse(target.asString), status.calendar.visits.single { it.visit == visit }.target, "$name: $visit")
                }
            }
        }

    @Test
    fun theNextVisitSaysWhatToBring() {
        val day1 = LocalDate.parse("2025-03-03")
        val p = ParticipantSchedule("S-1", day1, null, listOf(Observation(day1, "attended"), Observation(day1, "infusion")))
        val next = assertNotNull(scheduleNextVisit(p, LocalDate.parse("2025-03-15"), null))
        assertEquals("d14", next.visit)
        assertEquals(VisitState.IN_WINDOW, next.state)
        assertTrue(next.infusion && Assessment.DQOL in next.needs)
    }

    @Test
    fun theIcsExportHasABookedTimeInShanghaiAndReminders() {
        val calendar = scheduleCalendar(LocalDate.parse("2025-03-03"), false, null)
        val ics = scheduleIcs(calendar, IcsOptions("S-1", LocalDateTime.parse("2025-03-01T08:00:00"),
            listOf(Appointment("d14", LocalTime.parse("09:30"))), 60u, 1u))
        assertEquals(calendar.visits.size, Regex("BEGIN:VEVENT").findAll(ics).count())
        assertTrue("DTSTART;TZID=Asia/Shanghai:20250316T093000\r\n" in ics)
        assertTrue("DTSTAMP:20250301T080000Z\r\n" in ics)
        assertEquals(calendar.visits.size, Regex("TRIGGER:-P1D").findAll(ics).count())
        val bad = assertFailsWith<DkdException.InvalidInput> {
            scheduleIcs(calendar, IcsOptions("S-1", LocalDateTime.parse("2025-03-01T08:00:00"), listOf(Appointment("w99", LocalTime.NOON)), 60u, null))
        }
        assertEquals("appointments[0].visit", bad.path)
        // LocalDateTime.now() and LocalTime.now() carry fractions of a second: read, not refused.
        val withNanos = scheduleIcs(calendar, IcsOptions("S-1", LocalDateTime.parse("2025-03-01T08:00:00.123456789"),
            listOf(Appointment("d14", LocalTime.parse("09:30:00.5"))), 60u, null))
        assertTrue("DTSTAMP:20250301T080000Z\r\n" in withNanos)
    }

    @Test
    fun badInputIsATypedError() {
        val unknown = assertFailsWith<DkdException.InvalidInput> {
            scheduleStatus(ParticipantSchedule("S", LocalDate.parse("2025-03-03"), null, listOf(Observation(LocalDate.parse("2025-03-03"), "blood"))), LocalDate.parse("2025-04-01"), null)
        }
        assertEquals("malformed", unknown.kind)
        val noDay = assertFailsWith<DkdException.InvalidInput> { scheduleStatus(ParticipantSchedule("S", null, null, listOf()), LocalDate.parse("2025-04-01"), null) }
        assertEquals("first_infusion", noDay.path)
        val config = assertFailsWith<DkdException.InvalidConfig> { scheduleCalendar(LocalDate.parse("2025-03-03"), false, """{"week_day": "fortnightly"}""") }
        assertEquals("week_day", config.path)
        val json = assertFailsWith<DkdException.InvalidInput> { participantScheduleFromJson("""{"id": "S", "first_infusion": "2025-3-3"}""") }
        assertEquals("first_infusion", json.path)
    }
}
