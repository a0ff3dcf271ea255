//! A report as a list of blocks (headings, paragraphs, preformatted text, tables), written
//! once and rendered as Markdown (the terminal and `trial_report.md`) or as a self-contained
//! HTML page (`trial_report.html`: inline style, no script, no outside resource).

use std::fmt::Write as _;

/// One block of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading of level 1–3.
    Heading(u8, String),
    /// A paragraph of text.
    Paragraph(String),
    /// Text shown as it is (a fixed-width report).
    Pre(String),
    /// A table: the header, then rows of cells. In Markdown the first column is left-aligned and
    /// the others right-aligned; in HTML numbers are right-aligned and text left-aligned.
    Table(Vec<String>, Vec<Vec<String>>),
}

/// The blocks as Markdown (GitHub-flavoured tables).
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::document::{to_markdown, Block};
/// let md = to_markdown(&[Block::Heading(2, "Safety".into()), Block::Table(vec!["what".into(), "n".into()], vec![vec!["any".into(), "3".into()]])]);
/// assert!(md.contains("## Safety") && md.contains("| any | 3 |"));
/// ```
pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {text}\n", "#".repeat(usize::from((*level).clamp(1, 3))));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Pre(text) => {
                let _ = writeln!(out, "```text\n{}\n```\n", text.trim_end());
            }
            Block::Table(header, rows) => {
                let cell = |s: &str| s.replace('|', "\\|");
                let _ = writeln!(out, "| {} |", header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
                let align: Vec<&str> = (0..header.len()).map(|i| if i == 0 { ":--" } else { "--:" }).collect();
                let _ = writeln!(out, "|{}|", align.join("|"));
                for row in rows {
                    let _ = writeln!(out, "| {} |", row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:72rem;margin:2rem auto;\
padding:0 1rem;color:#1b1f24;line-height:1.45}h1{font-size:1.6rem;border-bottom:2px solid #2f6f9f;padding-bottom:.3rem}\
h2{font-size:1.25rem;margin-top:2rem;color:#2f6f9f}h3{font-size:1.05rem}table{border-collapse:collapse;margin:.5rem 0 1rem;\
font-size:.9rem}th,td{border:1px solid #c9d1d9;padding:.25rem .6rem}th{background:#eef3f8;text-align:left}\
td{text-align:right;font-variant-numeric:tabular-nums}td.t{text-align:left}pre{background:#f6f8fa;\
padding:.75rem;overflow-x:auto;font-size:.8rem;border:1px solid #d0d7de}p.note{color:#57606a;font-size:.9rem}";

/// The blocks as one self-contained HTML page titled `title`.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::tools::document::{to_html, Block};
/// let html = to_html("Report", &[Block::Paragraph("a < b".into())]);
/// assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<p>a &lt; b</p>"));
/// ```
pub fn to_html(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let level = (*level).clamp(1, 3);
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Pre(text) => {
                let _ = writeln!(out, "<pre>{}</pre>", escape(text.trim_end()));
            }
            Block::Table(header, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for h in header {
                    let _ = write!(out, "<th>{}</th>", escape(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for c in row {
                        // Numbers right-aligned (the style's default), text to the left.
                        let numeric = c.trim_start_matches(['-', '−']).starts_with(|ch: char| ch.is_ascii_digit());
                        let class = if numeric || c.is_empty() { "" } else { " class=\"t\"" };
                        let _ = write!(out, "<td{class}>{}</td>", escape(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
