//! Tools around the domain, not the domain itself: the seeded synthetic cohort
//! ([`synthetic`]) and follow-up ([`follow_up`]) with its measurements ([`timelines`]), the schedule report ([`schedule_report`]), the endpoint report ([`endpoint_report`]) and the report blocks it is written in ([`document`]), the screening report's CSV and summary ([`report`]), synthetic OMOP tables ([`omop_synthetic`]) and the eGFR cohort CSV
//! of the main job ([`cohort`]). The CLI (`dkd-report`), the benchmarks, the tests and the
//! Python binding's `synthetic_cohort` use them; the protocol's rules live in the domain modules
//! and never depend on these.

pub mod cohort;
pub mod document;
pub mod endpoint_report;
pub mod follow_up;
pub mod omop_synthetic;
pub mod report;
pub mod schedule_report;
pub mod synthetic;
pub mod timelines;
