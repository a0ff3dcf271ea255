//! A participant's calendar as iCalendar (RFC 5545), for the phone's calendar app: one event
//! per visit, all-day unless an appointment time is given (then in Asia/Shanghai, the sites'
//! time zone), with the window and what the visit needs in the description and an optional
//! reminder.
//!
//! RFC 5545 rules applied: CRLF line ends (§3.1), lines folded at 75 octets without splitting a
//! UTF-8 character (§3.1), TEXT escaped (§3.3.11), `DATE` values for all-day events (§3.3.4,
//! `DTEND` the day after, §3.6.1), `DTSTAMP` in UTC (§3.8.7.2), a `VTIMEZONE` for every `TZID`
//! used (§3.6.5).

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, ScheduledVisit};
use super::ScheduleError;

/// The sites' time zone (six hospitals in Beijing).
pub const SITE_TIME_ZONE: &str = "Asia/Shanghai";

/// The longest timed event: a day (a visit is on its day).
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;

/// An appointment time at a visit (local time at the site).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The visit's id.
    pub visit: String,
    /// The local time, `HH:MM[:SS]`.
    pub time: NaiveTime,
}

/// What an iCalendar export needs besides the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcsOptions {
    /// Names the participant in each event's UID (the app's own reference; it is written as
    /// given).
    pub participant: String,
    /// When the file is made, UTC (`DTSTAMP`); passed in so that the output is reproducible.
    pub stamp: NaiveDateTime,
    /// Visits with a booked time; the others are all-day events.
    pub appointments: Vec<Appointment>,
    /// Length of a timed event, minutes: 1 to [`MAX_DURATION_MINUTES`] when an appointment is
    /// given (unread otherwise).
    pub duration_minutes: u32,
    /// A reminder this many days before each visit, if any.
    pub reminder_days_before: Option<u32>,
}

/// The calendar as an iCalendar text.
///
/// # Errors
/// [`ScheduleError::Input`] at `appointments[i].visit` for an appointment at a visit the
/// calendar does not have, or at a visit an earlier appointment names (either would otherwise
/// be dropped); at `duration_minutes` for a duration outside 1 to [`MAX_DURATION_MINUTES`] when
/// an appointment is given (an event must end after it starts, RFC 5545 §3.8.2.2); at
/// `calendar` for a visit on 9999-12-31 (its event would end in year 10000).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::schedule::{to_ics, Calendar, IcsOptions, ScheduleConfig};
/// use chrono::NaiveDate;
/// let plan = ScheduleConfig::bundled()?;
/// let calendar = Calendar::build(&plan, NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(), false)?;
/// let stamp = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap().and_hms_opt(8, 0, 0).unwrap();
/// let options = IcsOptions { participant: "S-001".into(), stamp, appointments: vec![],
///     duration_minutes: 60, reminder_days_before: Some(1) };
/// let ics = to_ics(&calendar, &options)?;
/// assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
/// assert!(ics.contains("DTSTART;VALUE=DATE:20250427\r\n")); // week 8
/// # Ok::<(), amimestrocel_dkd::schedule::ScheduleError>(())
/// ```
pub fn to_ics(calendar: &Calendar, options: &IcsOptions) -> Result<String, ScheduleError> {
    let refused = |path: String, reason: &str| Err(ScheduleError::Input { path, reason: reason.to_owned() });
    for (i, appointment) in options.appointments.iter().enumerate() {
        if calendar.visit(&appointment.visit).is_none() {
            return refused(format!("appointments[{i}].visit"), "names a visit the calendar does not have");
        }
        // One time per visit: a second would otherwise be dropped.
        if options.appointments[..i].iter().any(|earlier| earlier.visit == appointment.visit) {
            return refused(
                format!("appointments[{i}].visit"),
                "is the visit of an earlier appointment (one time per visit)",
            );
        }
    }
    // An event ends after it starts (RFC 5545 §3.8.2.2), on the day of its visit or the next.
    if !options.appointments.is_empty() && !(1..=MAX_DURATION_MINUTES).contains(&options.duration_minutes) {
        return refused(
            "duration_minutes".to_owned(),
            "must be from 1 to 1440 minutes (a timed visit ends after it starts, within a day)",
        );
    }
    // DTEND is the day after the last visit at most: a date iCalendar writes in four digits.
    let last_day = NaiveDate::from_ymd_opt(9999, 12, 31);
    if calendar.visits.iter().any(|v| last_day.is_some_and(|last| v.target >= last)) {
        return refused("calendar".to_owned(), "has a visit on 9999-12-31, whose event would end in year 10000");
    }
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//amimestrocel-dkd//{}//EN", escape(&calendar.version)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
    ];
    let time_of = |visit: &ScheduledVisit| options.appointments.iter().find(|a| a.visit == visit.visit).map(|a| a.time);
    if calendar.visits.iter().any(|v| time_of(v).is_some()) {
        lines.extend(
            [
                "BEGIN:VTIMEZONE",
                "TZID:Asia/Shanghai",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0800",
                "TZOFFSETTO:+0800",
                "TZNAME:CST",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
            .map(String::from),
        );
    }
    for visit in &calendar.visits {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", escape(&format!("{}.{}@amimestrocel-dkd", visit.visit, options.participant))));
        lines.push(format!("DTSTAMP:{}Z", options.stamp.format("%Y%m%dT%H%M%S")));
        match time_of(visit) {
            Some(time) => {
                let start = visit.target.and_time(time);
                let end = start
                    .checked_add_signed(chrono::TimeDelta::minutes(i64::from(options.duration_minutes)))
                    .unwrap_or(start);
                lines.push(format!("DTSTART;TZID={SITE_TIME_ZONE}:{}", start.format("%Y%m%dT%H%M%S")));
                lines.push(format!("DTEND;TZID={SITE_TIME_ZONE}:{}", end.format("%Y%m%dT%H%M%S")));
            }
            None => {
                lines.push(format!("DTSTART;VALUE=DATE:{}", ymd(visit.target)));
                let next = visit.target.checked_add_days(Days::new(1)).unwrap_or(visit.target);
                lines.push(format!("DTEND;VALUE=DATE:{}", ymd(next)));
            }
        }
        let planned = if calendar.anchor.planned { " (planned)" } else { "" };
        lines.push(format!("SUMMARY:{}", escape(&format!("{}{planned}", visit.label))));
        lines.push(format!("DESCRIPTION:{}", escape(&describe(visit))));
        lines.push(format!("CATEGORIES:{}", if visit.infusion { "INFUSION" } else { "ASSESSMENT" }));
        if let Some(days) = options.reminder_days_before {
            lines.extend([
                "BEGIN:VALARM".into(),
                "ACTION:DISPLAY".into(),
                format!("TRIGGER:-P{days}D"),
                format!("DESCRIPTION:{}", escape(&format!("Reminder: {}", visit.label))),
                "END:VALARM".into(),
            ]);
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in lines {
        fold_into(&mut out, &line);
    }
    Ok(out)
}

/// What a visit needs, for people: its window, the infusion, the assessments.
fn describe(visit: &ScheduledVisit) -> String {
    let mut text = format!("Window {} to {} (study day {}).", visit.window_first, visit.window_last, visit.study_day);
    if visit.infusion {
        text.push_str("\nInfusion of Amimestrocel.");
    }
    let questionnaires: Vec<&str> =
        visit.assessments.iter().filter(|a| a.is_questionnaire()).map(|a| a.slug()).collect();
    let others: Vec<&str> = visit.assessments.iter().filter(|a| !a.is_questionnaire()).map(|a| a.slug()).collect();
    if !others.is_empty() {
        text.push_str(&format!("\nAssessments: {}.", others.join(", ")));
    }
    if !questionnaires.is_empty() {
        text.push_str(&format!("\nQuestionnaires: {}.", questionnaires.join(", ")));
    }
    text
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, line breaks.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_stay_within_75_octets_and_unfold_to_the_original() {
        let long = format!("DESCRIPTION:{}", "肾功能评估, ".repeat(20));
        let mut out = String::new();
        fold_into(&mut out, &long);
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), long);
    }

    #[test]
    fn text_is_escaped_as_rfc_5545_says() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
