//! The integration responses' selection patterns: one per mapped status, built so that every
//! possible `errorMessage` matches exactly one of them.
//!
//! API Gateway tests each `selectionPattern` against the whole `errorMessage` with Java's
//! regex engine, and takes the default response (200) when none matches. Which of several
//! matching patterns it picks is not documented, so the patterns partition all strings:
//!
//! - `[NNN]…` (a message that begins with one of the mapped markers) is status NNN;
//! - any other message that ends with Lambda's `Task timed out after N.NN seconds` (after any
//!   prefix, such as a timestamp and request id) is 504;
//! - everything else is 500: Lambda's `Process exited before completing request`, a runtime
//!   crash, an empty message, text nobody foresaw.
//!
//! The syntax is the subset Java and Rust's `regex` read alike: no bare `.` (it does not match a
//! newline in Java), no `\d` (Unicode digits in Rust), no lookaround, no group under `*`
//! (Java recurses per repetition of a group, so only single-character classes repeat). The
//! catch-all 500 is therefore spelled as the complement of the others: "does not begin with a
//! marker" from a trie of the markers, "does not end with the timeout text" from the
//! right-to-left automaton of that text, which is deterministic.

use std::collections::{BTreeMap, BTreeSet};

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
    let markers: Vec<String> = statuses.iter().map(|&status| marker(status)).collect();
    let trie = Trie::of(&markers);
    statuses
        .iter()
        .map(|&status| {
            let own = format!("{}{ANY}", literal(&marker(status)));
            let pattern = match status {
                500 => format!("{own}|{}", trie.unmarked_not_timed_out()),
                504 => format!("{own}|{}", trie.unmarked_timed_out()),
                _ => own,
            };
            SelectionPattern { status, pattern }
        })
        .collect()
}

/// The markers' prefixes, each with the characters that continue it towards a marker.
struct Trie {
    /// Every proper prefix of a marker (the empty one included) and its continuations.
    nodes: BTreeMap<String, BTreeSet<char>>,
}

impl Trie {
    fn of(markers: &[String]) -> Self {
        let mut nodes: BTreeMap<String, BTreeSet<char>> = BTreeMap::new();
        for marker in markers {
            for (index, next) in marker.char_indices() {
                nodes
                    .entry(marker[..index].to_owned())
                    .or_default()
                    .insert(next);
            }
        }
        Trie { nodes }
    }

    /// Text that is a proper prefix of a marker (so begins with none): `(?:|\[|\[4|…)`.
    fn prefixes(&self) -> String {
        let alternatives: Vec<String> = self.nodes.keys().map(|prefix| literal(prefix)).collect();
        format!("(?:{})", alternatives.join("|"))
    }

    /// A prefix of a marker followed by a character that leaves the trie (and is not one of
    /// `also_not`): the shortest texts that begin with no marker, whatever follows.
    fn departures(&self, also_not: &[char]) -> String {
        let alternatives: Vec<String> = self
            .nodes
            .iter()
            .map(|(prefix, next)| {
                let excluded: BTreeSet<char> = next.iter().chain(also_not).copied().collect();
                format!("{}{}", literal(prefix), negated(&excluded))
            })
            .collect();
        format!("(?:{})", alternatives.join("|"))
    }

    /// Begins with no marker and ends with Lambda's timeout text.
    ///
    /// The timeout text cannot overlap a marker prefix (it begins with `T`, which no marker
    /// holds), so it either follows a proper marker prefix at once or comes anywhere after a
    /// departure from the trie.
    fn unmarked_timed_out(&self) -> String {
        format!(
            "{}{TIMEOUT}|{}{ANY}{TIMEOUT}",
            self.prefixes(),
            self.departures(&[])
        )
    }

    /// Begins with no marker and does not end with Lambda's timeout text.
    ///
    /// Such a text is a proper marker prefix `p` alone, or `p c r` where `c` leaves the trie.
    /// If `c` is not `T`, `c r` ends with the timeout text exactly when `r` does; if `c` is
    /// `T`, exactly when `r` does or `T r` is the timeout text itself.
    fn unmarked_not_timed_out(&self) -> String {
        format!(
            "{}(?:|{}{})|{}{}",
            self.prefixes(),
            literal_char(TIMEOUT_FIRST),
            not_timed_out(false),
            self.departures(&[TIMEOUT_FIRST]),
            not_timed_out(true),
        )
    }
}

/// Text that does not end with the timeout text; without `whole_rest`, also not the timeout
/// text less its first character (what may follow a `T` that is not itself its start).
///
/// Read from the right, "ends with the timeout text" is a deterministic automaton (a run of
/// digits ends at a fixed character), so its complement is: in one of its states short of
/// the end, the text is used up or meets a character no continuation takes. `state[i]` is
/// that complement for the state that next reads piece `i` (leftwards), built from the
/// leftmost piece outwards: `(?:|ANY[^c]|<state[i-1]>c)` for a character `c`, and for a run
/// of digits after the character `p`,
/// `(?:|ANY[^0-9]|(?:|ANY[^0-9p]|<state[i-2]>p)[0-9]+)`.
fn not_timed_out(whole_rest: bool) -> String {
    let pieces = timeout_pieces();
    let mut states: Vec<String> = Vec::with_capacity(pieces.len());
    for (index, piece) in pieces.iter().enumerate() {
        let state = match *piece {
            // Reading the first piece reaches the accepting state: no deeper alternative.
            // The text being used up here means it is the timeout text less that piece.
            Piece::Char(c) if index == 0 => {
                let used_up = if whole_rest { "|" } else { "" };
                format!("(?:{used_up}{ANY}{})", negated(&[c]))
            }
            Piece::Char(c) => format!(
                "(?:|{ANY}{}|{}{})",
                negated(&[c]),
                states[index - 1],
                literal_char(c)
            ),
            Piece::Digits => {
                let before = match index.checked_sub(1).map(|before| pieces[before]) {
                    Some(Piece::Char(before)) => before,
                    // `timeout_pieces` has no leading run and no two runs side by side.
                    _ => return String::from("[^\\s\\S]"),
                };
                let deeper = match index.checked_sub(2) {
                    Some(deeper) => format!("|{}{}", states[deeper], literal_char(before)),
                    None => String::new(),
                };
                format!(
                    "(?:|{ANY}[^0-9]|(?:|{ANY}[^0-9{}]{deeper})[0-9]+)",
                    class_char(before)
                )
            }
        };
        states.push(state);
    }
    states.pop().unwrap_or_default()
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
    fn markers_never_hold_the_timeouts_first_character() {
        for status in 400..=599 {
            assert!(!marker(status).contains(TIMEOUT_FIRST));
        }
    }

    #[test]
    fn escaping() {
        assert_eq!(literal("[404]"), r"\[404\]");
        assert_eq!(negated(&['[', ']', '-', 'a']), r"[^\[\]\-a]");
    }
}
