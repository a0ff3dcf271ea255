//! JSON lines (one record per line) read as a stream, so that a file of any size is read in
//! constant memory and every line is accounted for: screened, refused with its line number, or
//! counted as blank.
//!
//! Lines end with `\n`, `\r\n` or a lone `\r` (files saved by old Mac tools): a JSON text never
//! holds a raw carriage return (RFC 8259 §7 requires control characters in strings to be
//! escaped), so a lone `\r` can only be a line end. A UTF-8 byte-order mark before the first
//! line is dropped. A line that is not UTF-8, or longer than the reader's limit, is refused on
//! its own; the lines after it are read as usual.
//!
//! Source: JSON Lines, <https://jsonlines.org/> (UTF-8, one JSON value per line).

use std::io::{self, BufRead};
use thiserror::Error;

/// Why one line could not be read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum LineError {
    /// The line is not valid UTF-8.
    #[error("line {line}: not UTF-8 text")]
    NotUtf8 {
        /// 1-based line number.
        line: u64,
    },
    /// The line is longer than the reader accepts.
    #[error("line {line}: longer than {max} bytes")]
    TooLong {
        /// 1-based line number.
        line: u64,
        /// The limit, bytes.
        max: usize,
    },
}

impl LineError {
    /// The stable snake_case kind.
    pub fn kind(&self) -> &'static str {
        match self {
            LineError::NotUtf8 { .. } => "not_utf8",
            LineError::TooLong { .. } => "line_too_long",
        }
    }

    /// The 1-based line number.
    pub fn line(&self) -> u64 {
        match self {
            LineError::NotUtf8 { line } | LineError::TooLong { line, .. } => *line,
        }
    }
}

/// One non-blank line: its number and text, or why its text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the input.
    pub number: u64,
    /// The line without its terminator, or the reason it was refused.
    pub text: Result<String, LineError>,
}

/// The longest line [`JsonLines::new`] accepts: 16 MiB, far above any screening record
/// (about 1–3 KB) and small enough that one bad line cannot exhaust memory.
pub const DEFAULT_MAX_LINE_BYTES: usize = 16 << 20;

/// An iterator over the non-blank lines of a JSON-lines input; see the module documentation.
///
/// # Examples
/// ```
/// use amimestrocel_dkd::jsonl::JsonLines;
/// let input: &[u8] = b"\xEF\xBB\xBF{\"a\":1}\r{\"b\":2}\r\n\n\xFF\n{\"c\":3}";
/// let mut lines = JsonLines::new(input);
/// let got: Vec<_> = lines.by_ref().map(|l| l.unwrap()).map(|l| (l.number, l.text.map_err(|e| e.kind()))).collect();
/// assert_eq!(got, vec![
///     (1, Ok("{\"a\":1}".to_string())),
///     (2, Ok("{\"b\":2}".to_string())),
///     (4, Err("not_utf8")),
///     (5, Ok("{\"c\":3}".to_string())),
/// ]);
/// assert_eq!(lines.blank_lines(), 1);
/// ```
#[derive(Debug)]
pub struct JsonLines<R> {
    reader: R,
    number: u64,
    blank: u64,
    max: usize,
    /// The previous line ended with `\r`: a `\n` right after it belongs to that line end.
    after_cr: bool,
    done: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonLines<R> {
    /// Reads `reader` with the [`DEFAULT_MAX_LINE_BYTES`] limit.
    pub fn new(reader: R) -> Self {
        Self::with_max_line_bytes(reader, DEFAULT_MAX_LINE_BYTES)
    }

    /// Reads `reader`, refusing lines longer than `max` bytes.
    pub fn with_max_line_bytes(reader: R, max: usize) -> Self {
        JsonLines { reader, number: 0, blank: 0, max, after_cr: false, done: false, buf: Vec::new() }
    }

    /// How many blank (empty or white-space) lines have been passed over so far.
    pub fn blank_lines(&self) -> u64 {
        self.blank
    }

    /// The number of the last line read (blank or not).
    pub fn lines_read(&self) -> u64 {
        self.number
    }

    /// Reads the next physical line into `self.buf`; `Ok(None)` at the end, else whether it
    /// was too long (its bytes beyond the limit are dropped, not kept).
    fn next_physical(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(if any { Some(too_long) } else { None });
            }
            let mut start = 0;
            if self.after_cr {
                self.after_cr = false;
                if chunk[0] == b'\n' {
                    start = 1;
                    if chunk.len() == 1 {
                        self.reader.consume(1);
                        continue;
                    }
                }
            }
            let rest = &chunk[start..];
            any = true;
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    too_long |= keep(&mut self.buf, self.max, &rest[..end]);
                    self.after_cr = rest[end] == b'\r';
                    let used = start + end + 1;
                    self.reader.consume(used);
                    return Ok(Some(too_long));
                }
                None => {
                    too_long |= keep(&mut self.buf, self.max, rest);
                    let used = chunk.len();
                    self.reader.consume(used);
                }
            }
        }
    }
}

/// Appends `bytes` to the line `buf` within `max` bytes; whether the limit was passed.
fn keep(buf: &mut Vec<u8>, max: usize, bytes: &[u8]) -> bool {
    let room = max.saturating_sub(buf.len());
    buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
    bytes.len() > room
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = io::Result<Line>;

    fn next(&mut self) -> Option<io::Result<Line>> {
        while !self.done {
            let too_long = match self.next_physical() {
                Ok(Some(too_long)) => too_long,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    // The reading stops; the error says which line it was reading, as every
                    // other line's outcome does.
                    self.done = true;
                    return Some(Err(io::Error::new(e.kind(), format!("line {}: {e}", self.number + 1))));
                }
            };
            self.number += 1;
            let line = self.number;
            if too_long {
                return Some(Ok(Line { number: line, text: Err(LineError::TooLong { line, max: self.max }) }));
            }
            let mut bytes = std::mem::take(&mut self.buf);
            if line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes.drain(..3);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.blank += 1;
                self.buf = bytes;
                continue;
            }
            let text = String::from_utf8(bytes).map_err(|_| LineError::NotUtf8 { line });
            return Some(Ok(Line { number: line, text }));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Read = (Vec<(u64, Result<String, &'static str>)>, u64);

    fn read(input: &[u8], max: usize, capacity: usize) -> Read {
        let mut lines = JsonLines::with_max_line_bytes(io::BufReader::with_capacity(capacity, input), max);
        let got = lines.by_ref().map(|l| l.unwrap()).map(|l| (l.number, l.text.map_err(|e| e.kind()))).collect();
        (got, lines.blank_lines())
    }

    #[test]
    fn every_line_ending_ends_a_line() {
        let (got, blank) = read(b"a\nb\r\nc\rd", 100, 8192);
        let texts: Vec<_> = got.iter().map(|(n, t)| (*n, t.clone().unwrap())).collect();
        assert_eq!(texts, vec![(1, "a".into()), (2, "b".into()), (3, "c".into()), (4, "d".into())]);
        assert_eq!(blank, 0);
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_line_end() {
        // A buffer of one byte splits every pair.
        let (got, _) = read(b"a\r\nb\r\n\r\nc", 100, 1);
        assert_eq!(got, vec![(1, Ok("a".into())), (2, Ok("b".into())), (4, Ok("c".into()))]);
    }

    #[test]
    fn a_read_that_fails_names_the_line_it_was_reading_and_ends_the_lines() {
        /// Two lines, then a failing read.
        struct Failing(io::Cursor<&'static [u8]>);
        impl io::Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.read(buf)? {
                    0 => Err(io::Error::new(io::ErrorKind::ConnectionReset, "the disk went away")),
                    n => Ok(n),
                }
            }
        }
        let mut lines = JsonLines::new(io::BufReader::new(Failing(io::Cursor::new(b"{}\n{}\n{"))));
        assert_eq!(lines.next().unwrap().unwrap().number, 1);
        assert_eq!(lines.next().unwrap().unwrap().number, 2);
        let e = lines.next().unwrap().unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string()),
            (io::ErrorKind::ConnectionReset, "line 3: the disk went away".to_owned())
        );
        assert!(lines.next().is_none());
    }

    #[test]
    fn a_bad_line_is_refused_alone_with_its_number() {
        let (got, _) = read(b"ok\n\xC3\x28\nlong-line\nok2\n", 4, 8192);
        assert_eq!(
            got,
            vec![(1, Ok("ok".into())), (2, Err("not_utf8")), (3, Err("line_too_long")), (4, Ok("ok2".into()))]
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped_from_the_first_line_only() {
        let (got, _) = read(b"\xEF\xBB\xBFa\n\xEF\xBB\xBFb\n", 100, 8192);
        assert_eq!(got[0], (1, Ok("a".into())));
        assert_eq!(got[1], (2, Ok("\u{feff}b".into())));
    }

    #[test]
    fn blank_lines_are_counted_not_returned() {
        let (got, blank) = read(b"\n  \r\n\ta\n\n", 100, 8192);
        assert_eq!(got, vec![(3, Ok("\ta".into()))]);
        assert_eq!(blank, 3);
    }

    proptest! {
        /// Lines joined by any mix of terminators come back as they were, numbered, whatever
        /// the buffer size.
        #[test]
        fn lines_round_trip(lines in prop::collection::vec("[a-z{}:\"0-9 ]{1,20}", 0..20),
                            ends in prop::collection::vec(0usize..3, 20),
                            capacity in 1usize..16) {
            let lines: Vec<String> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
            let mut input = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                input.extend_from_slice(l.as_bytes());
                input.extend_from_slice([&b"\n"[..], b"\r\n", b"\r"][ends[i]]);
            }
            let (got, blank) = read(&input, 1000, capacity);
            prop_assert_eq!(blank, 0);
            let want: Vec<_> = lines.iter().enumerate().map(|(i, l)| (i as u64 + 1, Ok(l.clone()))).collect();
            prop_assert_eq!(got, want);
        }

        /// Any bytes: every line is either returned, refused or counted blank, and the numbers
        /// rise by one with no gap beyond the blank ones.
        #[test]
        fn any_input_is_accounted_for(input in prop::collection::vec(any::<u8>(), 0..200), max in 1usize..50) {
            let mut lines = JsonLines::with_max_line_bytes(&input[..], max);
            let got: Vec<Line> = lines.by_ref().map(|l| l.unwrap()).collect();
            let numbers: Vec<u64> = got.iter().map(|l| l.number).collect();
            prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(got.len() as u64 + lines.blank_lines(), lines.lines_read());
            for l in &got {
                if let Ok(t) = &l.text {
                    prop_assert!(t.len() <= max);
                    prop_assert!(!t.contains('\n') && !t.contains('\r'));
                }
            }
        }
    }
}
