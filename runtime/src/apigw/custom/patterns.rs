//! The integration responses' selection patterns: one per mapped status, built so that every
//! `errorMessage` a failure can carry matches exactly one of them.
//!
//! API Gateway tests each `selectionPattern` against the whole `errorMessage` with Java's
//! regex engine, and takes the default response (200) when none matches. A successful
//! invocation is matched too, as an empty message (the API reference's `selectionPattern`:
//! "if the success response returns nothing and the error response returns some string, you
//! could use the `.+` regex to match error response"), so no pattern matches the empty text.
//! Which of several matching patterns API Gateway picks is not documented, so the patterns
//! partition every other text:
//!
//! - a message that begins with a mapped marker, `[NNN]`, is status NNN;
//! - any other message that begins with `[` (an unmapped or malformed marker) is 500;
//! - any other message that ends with Lambda's `Task timed out after N.NN seconds` (after any
//!   prefix, such as a timestamp and request id) is 504;
//! - everything else is 500: Lambda's `Process exited before completing request`, a runtime
//!   crash, text nobody foresaw.
//!
//! The syntax is the subset Java and Rust's `regex` read alike: no bare `.` (it does not match
//! a newline in Java), no `\d` (Unicode digits in Rust), no anchors, no lookaround, and no
//! group under `*` or `+` (Java recurses once per repetition of a group, so only
//! single-character classes repeat). The catch-all 500 is therefore spelled as a complement:
//! "begins with `[` but no mapped marker" from the unmapped three-digit codes, and "does not
//! end with the timeout text" from the right-to-left automaton of that text, which is
//! deterministic.
//!
//! Every pattern stays far below the 1,024 characters YAML allows an implicit key (the
//! patterns are keys of the document's `responses`): the only part that grows with the
//! declared statuses is the class of unmapped codes, at most two hundreds of ten tens each.

use std::collections::BTreeMap;

/// Any text, newlines included.
const ANY: &str = r"[\s\S]*";

/// Lambda's timeout message, without its prefix.
const TIMEOUT: &str = r"Task timed out after [0-9]+\.[0-9]+ seconds";

/// A piece of [`TIMEOUT`]: one literal character, or a run of one or more ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Piece {
    Char(char),
    Digits,
}

/// [`TIMEOUT`] as pieces. It begins with its only `T`, and each run of digits follows a
/// literal character: the two facts the complement below relies on (checked in the tests).
fn timeout_pieces() -> Vec<Piece> {
    let mut pieces: Vec<Piece> = "Task timed out after ".chars().map(Piece::Char).collect();
    pieces.extend([Piece::Digits, Piece::Char('.'), Piece::Digits]);
    pieces.extend(" seconds".chars().map(Piece::Char));
    pieces
}

/// The first character of [`TIMEOUT`].
const TIMEOUT_FIRST: char = 'T';

/// One integration response's selection pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionPattern {
    /// The HTTP status the client receives.
    pub status: u16,
    /// The regular expression API Gateway matches against the whole `errorMessage`.
    pub pattern: String,
}

/// The status marker an `errorMessage` begins with: `[404]`.
pub fn marker(status: u16) -> String {
    format!("[{status}]")
}

/// The patterns for the given statuses, which must include 500 and 504 (the catch-all and
/// the timeout), sorted and without duplicates.
pub(crate) fn selection_patterns(statuses: &[u16]) -> Vec<SelectionPattern> {
    statuses
        .iter()
        .map(|&status| {
            let pattern = match status {
                500 => catch_all(statuses),
                504 => format!(
                    "{}{ANY}|(?:[^\\[]{ANY})?{TIMEOUT}",
                    literal(&marker(status))
                ),
                _ => format!("{}{ANY}", literal(&marker(status))),
            };
            SelectionPattern { status, pattern }
        })
        .collect()
}

/// The 500 pattern: every non-empty text the other patterns leave.
///
/// - `[` followed by at most three digits and nothing more, by a text that leaves the
///   marker's shape (a non-digit among the first three, or no `]` after them), or by a code
///   no other pattern maps, `]` and anything (`[500]` itself among them);
/// - a text that does not begin with `[` and holds no `T`: it cannot end with the timeout
///   text;
/// - a text that does not end with the timeout text, as [`leaves_timeout`] spells the end
///   where, read from the right, it stops being one, after anything that does not begin with
///   `[`. When that end is the whole text, it may begin with `[` (the character where it
///   stops); such a text is no mapped marker, since the timeout text holds no `]`.
fn catch_all(statuses: &[u16]) -> String {
    let unmapped: Vec<u16> = (0..1000)
        .filter(|&code| code == 500 || statuses.binary_search(&code).is_err())
        .collect();
    format!(
        "\\[(?:[0-9]{{0,3}}|(?:[0-9]{{0,2}}[^0-9]|[0-9]{{3}}[^\\]]|{}\\]){ANY})|{first}[^{t}]*|(?:[^\\[]{ANY})?{}",
        three_digit_codes(&unmapped),
        leaves_timeout(),
        first = negated(&['[', TIMEOUT_FIRST]),
        t = class_char(TIMEOUT_FIRST),
    )
}

/// The texts `c v` where `v` is a suffix of some timeout text (its whole, less its `T`, at
/// most) and `c` is a character that cannot precede `v` in one: read from the right, the
/// timeout text's automaton is deterministic (a run of digits ends at a fixed character), so
/// these are exactly the shortest texts that do not end with it.
///
/// Built from the leftmost piece outwards: after the literal character `c`,
/// `(?:[^c]|<inner>c)`; after a run of digits that follows the character `p`,
/// `(?:[^0-9]|(?:[^0-9p]|<inner before p>p)[0-9]+)`.
fn leaves_timeout() -> String {
    let pieces = timeout_pieces();
    let mut levels: Vec<String> = Vec::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        let level = match (*piece, index.checked_sub(1).and_then(|i| levels.get(i))) {
            (Piece::Char(c), None) => negated(&[c]),
            (Piece::Char(c), Some(inner)) => {
                format!("(?:{}|{inner}{})", negated(&[c]), literal_char(c))
            }
            (Piece::Digits, _) => {
                let before = match index.checked_sub(1).map(|before| pieces[before]) {
                    Some(Piece::Char(before)) => before,
                    // `timeout_pieces` has no leading run and no two runs side by side.
                    _ => return String::from("[^\\s\\S]"),
                };
                let deeper = index
                    .checked_sub(2)
                    .and_then(|deeper| levels.get(deeper))
                    .map(|deeper| format!("|{deeper}{}", literal_char(before)))
                    .unwrap_or_default();
                format!("(?:[^0-9]|(?:[^0-9{}]{deeper})[0-9]+)", class_char(before))
            }
        };
        levels.push(level);
    }
    levels.pop().unwrap_or_default()
}

/// A pattern for exactly the given three-digit codes (`007` for 7), not empty: first digits
/// with the same tails share an alternative, and so do second digits with the same last ones.
fn three_digit_codes(codes: &[u16]) -> String {
    let mut tails: BTreeMap<u16, Vec<u16>> = BTreeMap::new();
    for &code in codes {
        tails.entry(code / 100).or_default().push(code % 100);
    }
    let by_tails = group_digits(tails);
    let alternatives: Vec<String> = by_tails
        .into_iter()
        .map(|(firsts, tails)| {
            let mut lasts: BTreeMap<u16, Vec<u16>> = BTreeMap::new();
            for tail in tails {
                lasts.entry(tail / 10).or_default().push(tail % 10);
            }
            let inner: Vec<String> = group_digits(lasts)
                .into_iter()
                .map(|(seconds, lasts)| format!("{}{}", digit_class(&seconds), digit_class(&lasts)))
                .collect();
            format!("{}{}", digit_class(&firsts), alternation(inner))
        })
        .collect();
    alternation(alternatives)
}

/// Keys with equal values merged: `(keys, value)`, in the order of each group's first key.
fn group_digits(map: BTreeMap<u16, Vec<u16>>) -> Vec<(Vec<u16>, Vec<u16>)> {
    let mut groups: Vec<(Vec<u16>, Vec<u16>)> = Vec::new();
    for (key, value) in map {
        match groups.iter_mut().find(|(_, seen)| *seen == value) {
            Some((keys, _)) => keys.push(key),
            None => groups.push((vec![key], value)),
        }
    }
    groups
}

/// `a`, or `(?:a|b|…)`.
fn alternation(alternatives: Vec<String>) -> String {
    if alternatives.len() == 1 {
        alternatives.into_iter().collect()
    } else {
        format!("(?:{})", alternatives.join("|"))
    }
}

/// A class of ASCII digits (ascending, distinct): `7`, `[0-9]`, `[013-5]`.
fn digit_class(digits: &[u16]) -> String {
    if let [digit] = digits {
        return digit.to_string();
    }
    let mut inner = String::new();
    let mut rest = digits;
    while let Some((&first, _)) = rest.split_first() {
        let run = rest
            .iter()
            .enumerate()
            .take_while(|&(offset, &digit)| usize::from(digit - first) == offset)
            .count();
        if run >= 3 {
            inner.push_str(&format!("{first}-{}", first as usize + run - 1));
        } else {
            rest[..run]
                .iter()
                .for_each(|digit| inner.push_str(&digit.to_string()));
        }
        rest = &rest[run..];
    }
    format!("[{inner}]")
}

/// `[^…]` of the given characters.
fn negated<'a>(chars: impl IntoIterator<Item = &'a char>) -> String {
    let inner: String = chars.into_iter().map(|&c| class_char(c)).collect();
    format!("[^{inner}]")
}

/// A literal text, escaped.
fn literal(text: &str) -> String {
    text.chars().map(literal_char).collect()
}

fn literal_char(c: char) -> String {
    if "\\^$.|?*+()[]{}-".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

/// A character inside `[…]`, escaped for both engines (Java reads a bare `[` there as a
/// nested class, Rust's `regex` reads `&&`, `--` and `~~` as set operations).
fn class_char(c: char) -> String {
    if "\\^[]-&~".contains(c) {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_text_has_the_shape_the_complement_relies_on() {
        let pieces = timeout_pieces();
        assert_eq!(pieces.first(), Some(&Piece::Char(TIMEOUT_FIRST)));
        let firsts = pieces
            .iter()
            .filter(|&&piece| piece == Piece::Char(TIMEOUT_FIRST))
            .count();
        assert_eq!(firsts, 1, "the first character appears once");
        for (index, piece) in pieces.iter().enumerate() {
            if *piece == Piece::Digits {
                assert!(index >= 2, "a digit run has two pieces before it");
                assert!(matches!(pieces[index - 1], Piece::Char(c) if !c.is_ascii_digit()));
            }
        }
        let spelled: String = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Char(c) => literal_char(*c),
                Piece::Digits => "[0-9]+".to_owned(),
            })
            .collect();
        assert_eq!(spelled, TIMEOUT);
    }

    #[test]
    fn the_timeout_text_holds_no_bracket() {
        // So a text that begins with `[` never ends with it at once (the 504 pattern's
        // prefix), and one that leaves it at `[` or `]` is no marker (the 500 pattern).
        for piece in timeout_pieces() {
            assert!(!matches!(piece, Piece::Char('[' | ']')), "{piece:?}");
        }
    }

    #[test]
    fn three_digit_codes_are_spelled_compactly() {
        assert_eq!(digit_class(&[4]), "4");
        assert_eq!(digit_class(&[0, 1, 3, 4, 5, 9]), "[013-59]");
        assert_eq!(digit_class(&(0..10).collect::<Vec<_>>()), "[0-9]");
        assert_eq!(three_digit_codes(&[500]), "500");
        assert_eq!(three_digit_codes(&[401, 403, 501, 503]), "[45]0[13]");
        assert_eq!(
            three_digit_codes(&[7, 404, 410, 411]),
            "(?:007|4(?:04|1[01]))"
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(literal("[404]"), r"\[404\]");
        assert_eq!(negated(&['[', ']', '-', 'a']), r"[^\[\]\-a]");
    }
}
