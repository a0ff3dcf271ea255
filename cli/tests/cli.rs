//! The main job as a user runs it: the `dkd-report` binary, its arguments, its inputs and its
//! outputs.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dkd-report"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dkd-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

const GOOD: &str = r#"{"id":"A-1","sex":"F","date_of_birth":"1960-01-01","screening_date":"2025-06-01"}"#;
const GOOD2: &str = r#"{"id":"A-2","sex":"M","date_of_birth":"1961-01-01","screening_date":"2025-06-01"}"#;

#[test]
fn unknown_options_and_extra_arguments_are_usage_errors_with_status_2() {
    for args in [&["--foo"][..], &["--out"], &["a.jsonl", "b.jsonl"], &["generate", "--count", "-1"]] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("dkd-report: "), "{}", stderr(&o));
    }
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("dkd-report "));
}

#[test]
fn generate_writes_the_requested_count_of_records() {
    let o = run(&["generate", "--count", "3", "--seed", "7"]);
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[2].contains("\"id\":\"SYN-00003\""));
}

#[test]
fn a_closed_pipe_ends_generate_and_screen_with_status_0() {
    // A count that would take hours: only the first line is read, then the pipe closes.
    let mut child = bin().args(["generate", "--count", "1000000000000"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"id\":\"SYN-00001\""));
    assert_eq!(child.wait().unwrap().code(), Some(0));
    // Timelines stream too: the largest count neither allocates for the whole cohort first nor
    // overflows a capacity (it ended with a panic, status 101).
    let mut child =
        bin().args(["generate", "timelines", "--count", &u64::MAX.to_string()]).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("\"id\":\"SYN-00001\""), "{first}");
    assert_eq!(child.wait().unwrap().code(), Some(0));

    let out = scratch("pipe");
    let mut child = bin().args(["screen", "--out"]).arg(&out).stdout(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    fs::remove_dir_all(&out).unwrap();
}

#[test]
fn every_line_is_screened_refused_or_counted_blank() {
    let dir = scratch("lines");
    let input = dir.join("in.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"\xEF\xBB\xBF"); // a byte-order mark before line 1
    bytes.extend_from_slice(GOOD.as_bytes());
    bytes.extend_from_slice(b"\r"); // CR-only line end
    bytes.extend_from_slice(format!("{GOOD}{GOOD2}\r\n").as_bytes()); // two records on line 2
    bytes.extend_from_slice(b"\n"); // blank line 3
    bytes.extend_from_slice(b"{\"id\":\"A-\xFF\"}\n"); // line 4: not UTF-8
    bytes.extend_from_slice(format!("{GOOD2} garbage\n").as_bytes()); // line 5: trailing text
    bytes.extend_from_slice(GOOD2.as_bytes()); // line 6, no final line end
    fs::write(&input, bytes).unwrap();
    let out = dir.join("out");
    let o = bin().arg("screen").arg(&input).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report = String::from_utf8(o.stdout).unwrap();
    assert!(report.contains("(5 records)"), "{report}");
    assert!(report.contains("Blank lines passed over: 1"), "{report}");

    let rows = jsonl(&out.join("screening_results.jsonl"));
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![1, 2, 4, 5, 6]);
    let status: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(status, vec!["pending", "refused", "refused", "refused", "pending"]);
    assert_eq!(rows[1]["error"]["kind"], "malformed");
    assert_eq!(rows[1]["id"], "A-1", "a refused record keeps its readable id");
    assert_eq!(rows[2]["error"]["kind"], "not_utf8");
    assert_eq!(rows[3]["error"]["kind"], "malformed");
    assert_eq!(rows[3]["id"], "A-2");

    let csv = fs::read_to_string(out.join("screening_results.csv")).unwrap();
    let first_cells: Vec<String> = csv.lines().map(|l| l.split(',').take(4).collect::<Vec<_>>().join(",")).collect();
    assert_eq!(first_cells[0], "line,id,screening_date,status");
    assert_eq!(first_cells[2], "2,A-1,,refused");
    assert_eq!(first_cells[3], "4,,,refused");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("screening_summary.json")).unwrap()).unwrap();
    assert_eq!(summary["screened"], 5);
    assert_eq!(summary["refused"], 3);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_and_exits_1() {
    let dir = scratch("failed");
    let out = dir.join("out");
    let o = bin().arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let before: Vec<Vec<u8>> =
        ["screening_results.csv", "screening_results.jsonl"].iter().map(|f| fs::read(out.join(f)).unwrap()).collect();
    let config = dir.join("config.json");
    fs::write(&config, r#"{"egfr_lookback_days": 4294967295}"#).unwrap();
    let o = bin().arg("--out").arg(&out).arg("--config").arg(&config).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("egfr_lookback_days"), "{}", stderr(&o));
    let o = bin().arg(dir.join("missing.jsonl")).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("outputs not updated"), "{}", stderr(&o));
    let after: Vec<Vec<u8>> =
        ["screening_results.csv", "screening_results.jsonl"].iter().map(|f| fs::read(out.join(f)).unwrap()).collect();
    assert_eq!(before, after);
    let names: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_interrupted_run_leaves_the_old_pair_or_the_new_pair_never_a_mix() {
    let dir = scratch("sigint");
    let input = dir.join("big.jsonl");
    let o = run(&["generate", "--count", "40000", "--seed", "3"]);
    fs::write(&input, &o.stdout).unwrap();
    let out = dir.join("out");
    fs::create_dir_all(&out).unwrap();
    for f in ["screening_results.csv", "screening_results.jsonl", "screening_summary.json"] {
        fs::write(out.join(f), "old").unwrap();
    }
    let mut interrupted = 0;
    for delay_ms in [30, 120] {
        let child =
            bin().arg(&input).arg("--out").arg(&out).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        let o = child.wait_with_output().unwrap();
        let contents: Vec<String> = ["screening_results.csv", "screening_results.jsonl", "screening_summary.json"]
            .iter()
            .map(|f| fs::read_to_string(out.join(f)).unwrap())
            .collect();
        let old = contents.iter().filter(|c| *c == "old").count();
        match o.status.code() {
            Some(130) => {
                interrupted += 1;
                assert_eq!(old, 3, "an interrupted run changed an output");
                assert!(stderr(&o).contains("interrupted; outputs not updated"), "{}", stderr(&o));
            }
            Some(0) => {
                assert_eq!(old, 0, "a finished run left an old output");
                assert_eq!(contents[1].lines().count(), 40_000);
                for f in ["screening_results.csv", "screening_results.jsonl", "screening_summary.json"] {
                    fs::write(out.join(f), "old").unwrap();
                }
            }
            other => panic!("unexpected exit {other:?}: {}", stderr(&o)),
        }
        let names: Vec<String> =
            fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        assert!(names.iter().all(|n| !n.contains("partial")), "{names:?}");
    }
    // At 30 ms the run has only begun: at least that one is interrupted.
    assert!(interrupted >= 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_output_set_that_cannot_be_replaced_whole_is_not_replaced_at_all() {
    let dir = scratch("whole");
    let out = dir.join("out");
    fs::create_dir_all(out.join("screening_summary.json")).unwrap(); // a directory in the way
    fs::write(out.join("screening_results.csv"), "old").unwrap();
    let input = dir.join("c.jsonl");
    fs::write(&input, run(&["generate", "--count", "5"]).stdout).unwrap();
    let o = bin().arg(&input).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not a file; outputs not updated"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(out.join("screening_results.csv")).unwrap(), "old");
    assert!(!out.join("screening_results.jsonl").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failure_after_the_outputs_were_replaced_says_so() {
    let dir = scratch("after");
    let input = dir.join("c.jsonl");
    fs::write(&input, run(&["generate", "--count", "5"]).stdout).unwrap();
    let full = fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let o = bin().arg(&input).arg("--out").arg(dir.join("out")).stdout(full).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the screening outputs were replaced before it"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("not updated"), "{}", stderr(&o));
    assert_eq!(jsonl(&dir.join("out/screening_results.jsonl")).len(), 5);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_second_signal_ends_a_run_blocked_on_its_input() {
    let dir = scratch("fifo");
    let fifo = dir.join("in.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // No writer ever opens the FIFO: the run blocks reading its input.
    let mut child = bin().arg(&fifo).arg("--out").arg(dir.join("out")).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    for _ in 0..2 {
        let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Within 5 s, or the run is still blocked: killed, and the test fails.
    let mut status = None;
    for _ in 0..50 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if status.is_none() {
        let _ = child.kill();
        panic!("two SIGINTs did not end a run blocked on its input");
    }
    assert_eq!(status.and_then(|s| s.code()), Some(130));
    assert!(!dir.join("out").join("screening_results.jsonl").exists());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_egfr_table_whose_input_cannot_be_read_fails() {
    let dir = scratch("egfr-dir");
    let o = bin().arg("egfr").arg(&dir).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read the cohort"), "{}", stderr(&o));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_egfr_table_reports_every_row_and_line() {
    let dir = scratch("egfr");
    let input = dir.join("c.csv");
    let mut f = fs::File::create(&input).unwrap();
    writeln!(f, "{}", amimestrocel_dkd::tools::cohort::HEADER).unwrap();
    writeln!(f, "P1,F,60,1.0,mg/dL,,,").unwrap();
    writeln!(f, "P2,F,60").unwrap();
    f.write_all(b"P3,\xFF,60,1.0,mg/dL,,,\n").unwrap();
    drop(f);
    let o = bin().arg("egfr").arg(&input).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut text = String::new();
    o.stdout.as_slice().read_to_string(&mut text).unwrap();
    assert!(text.contains("line 3: expected 8 cells, found 3"), "{text}");
    assert!(text.contains("line 4: not UTF-8 text"), "{text}");
    assert!(text.contains("2 lines could not be read"), "{text}");
    let o = bin().arg("egfr").arg(dir.join("none.csv")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_schedule_report_counts_every_participant_and_refuses_bad_lines_with_their_number() {
    // The bundled synthetic follow-up: every participant counted once per visit.
    let o = run(&["schedule"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("120 participants, 0 refused"), "{out}");
    let d14: Vec<usize> = out
        .lines()
        .find(|l| l.trim_start().starts_with("d14 "))
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(d14.iter().sum::<usize>(), 120);
    // A file: a good participant, one with an observation after the status date, one not JSON.
    let dir = scratch("schedule");
    let file = dir.join("participants.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id": "A", "first_infusion": "2025-03-03", "observations": [{"date": "2025-03-03", "activity": "infusion"}]}"#,
            "\n",
            r#"{"id": "B", "first_infusion": "2025-03-03", "observations": [{"date": "2025-09-01", "activity": "dqol"}]}"#,
            "\n\nnot json\n"
        ),
    )
    .unwrap();
    let o = run(&["schedule", file.to_str().unwrap(), "--on", "2025-04-01"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("1 participants, 2 refused"), "{out}");
    assert!(stderr(&o).contains("line 2: invalid_schedule at observations[0].date"), "{}", stderr(&o));
    assert!(stderr(&o).contains("line 4: invalid_schedule at ."), "{}", stderr(&o));
    assert_eq!(run(&["schedule", "--on", "2025-4-1"]).status.code(), Some(2));
}

#[test]
fn the_main_job_prints_the_screening_and_the_schedule_reports() {
    let dir = scratch("main-job");
    let o = run(&["--out", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(out.contains("Visit schedule on 2026-12-01"), "{out}");
}

#[test]
fn the_bundled_timelines_written_by_generate_give_the_datasets_of_the_built_in_follow_up() {
    let dir = scratch("endpoints");
    let timelines = dir.join("timelines.jsonl");
    let o = run(&["generate", "timelines"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::write(&timelines, &o.stdout).unwrap();
    assert_eq!(jsonl(&timelines).len(), 120);
    let (built_in, from_file) = (dir.join("built-in"), dir.join("from-file"));
    let o = run(&["endpoints", "--out", built_in.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["endpoints", timelines.to_str().unwrap(), "--out", from_file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for name in ["endpoints_bds.csv", "endpoints_adsl.csv", "endpoints_bds.parquet", "endpoints_adsl.parquet"] {
        let (a, b) = (fs::read(built_in.join(name)).unwrap(), fs::read(from_file.join(name)).unwrap());
        assert!(a.len() > 1000, "{name}: {} bytes", a.len());
        assert!(a == b, "{name} differs between the built-in follow-up and its timelines read from JSON lines");
        assert!(!name.ends_with(".parquet") || (a.starts_with(b"PAR1") && a.ends_with(b"PAR1")), "{name}");
    }
}

#[test]
fn a_refused_timeline_is_counted_with_its_line_and_the_others_are_written() {
    let dir = scratch("endpoints-refused");
    let timelines = dir.join("timelines.jsonl");
    let o = run(&["generate", "timelines", "--count", "3"]);
    let mut text = String::from_utf8(o.stdout).unwrap();
    text.push_str("{\"schema_version\": 1}\n");
    fs::write(&timelines, text).unwrap();
    let out = dir.join("out");
    let o = run(&["endpoints", timelines.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("line 4"), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Refused timelines: 1"));
    let adsl = fs::read_to_string(out.join("endpoints_adsl.csv")).unwrap();
    assert_eq!(adsl.lines().count(), 1 + 3);
}

#[test]
fn an_interrupted_endpoints_run_keeps_the_old_datasets_and_leaves_no_partial_file() {
    let dir = scratch("endpoints-sigint");
    let lines: Vec<Vec<u8>> = run(&["generate", "timelines", "--count", "2"])
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| [l, b"\n"].concat())
        .collect();
    assert_eq!(lines.len(), 2);
    let out = dir.join("out");
    fs::create_dir_all(&out).unwrap();
    let names = ["endpoints_bds.csv", "endpoints_adsl.csv", "endpoints_bds.parquet", "endpoints_adsl.parquet"];
    for f in names {
        fs::write(out.join(f), "old").unwrap();
    }
    let fifo = dir.join("in.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let child = bin()
        .args(["endpoints", fifo.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One timeline is read; the signal comes while the run waits for the next, which it reads
    // only to find the run interrupted.
    let mut writer = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    writer.write_all(&lines[0]).unwrap();
    writer.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    std::thread::sleep(std::time::Duration::from_millis(200));
    writer.write_all(&lines[1]).unwrap();
    drop(writer);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted; outputs not updated"), "{}", stderr(&o));
    for f in names {
        assert_eq!(fs::read_to_string(out.join(f)).unwrap(), "old", "{f}");
    }
    let left: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(left.len(), names.len(), "{left:?}");
    fs::remove_dir_all(&dir).unwrap();
}
