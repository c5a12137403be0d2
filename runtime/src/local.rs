//! Local mode: one invocation outside Lambda, as a process contract other tools rely on.
//!
//! - the event is read from the file named by the first argument, or from stdin when there is
//!   none or it is `-`; a leading UTF-8 byte order mark, which some editors save, is skipped
//!   (RFC 8259 lets a parser ignore it; Lambda itself never sends one);
//! - stdout carries only what Lambda would receive: the response JSON (exit status 0) or the
//!   invocation error `{"errorType", "errorMessage"}` (exit status 1);
//! - input that cannot be read or is not JSON: a message on stderr, exit status 2;
//! - logs go to stderr.

use std::io::{Read, Write};
use std::process::ExitCode;

use lambda_runtime::Diagnostic;

use crate::contract::Reply;
use crate::handler::{local_context, Driven};

/// Exit status of a local run whose input could not be read or was not JSON.
pub const EXIT_BAD_INPUT: u8 = 2;

pub(crate) async fn run(handler: &dyn Driven, arguments: &[String]) -> ExitCode {
    let source = arguments.first().map(String::as_str).unwrap_or("-");
    if let Some(exit) = handler.local_command(source) {
        return exit;
    }
    if source == "--help" || source == "-h" {
        let program = std::env::args()
            .next()
            .as_deref()
            .map(std::path::Path::new)
            .and_then(std::path::Path::file_name)
            .map(|file| file.to_string_lossy().into_owned());
        print!(
            "{}",
            usage(program.as_deref().unwrap_or(handler.name()), handler.name())
        );
        return ExitCode::SUCCESS;
    }
    let bytes = match read_event(source) {
        Ok(bytes) => skip_byte_order_mark(bytes),
        Err(message) => {
            eprintln!("{}: {message}", handler.name());
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if let Err(message) = check_json(&bytes, source) {
        eprintln!("{}: {message}", handler.name());
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let reply = handler.invoke(&bytes, local_context()).await;
    print_reply(&reply)
}

/// What `--help` prints: the local-mode contract, in a few lines.
fn usage(program: &str, name: &str) -> String {
    format!(
        "usage: {program} [EVENT_FILE | -]\n\n\
         Runs one invocation of `{name}` locally (AWS_LAMBDA_RUNTIME_API is unset): the event is \
         read from EVENT_FILE, or from stdin when it is `-` or absent.\n\
         stdout gets exactly what Lambda would receive; the exit status says which it was:\n  \
         0  a response\n  \
         1  an invocation error ({{\"errorType\", \"errorMessage\"}})\n  \
         {EXIT_BAD_INPUT}  input that cannot be read or is not JSON\n\
         Logs go to stderr. In Lambda (AWS_LAMBDA_RUNTIME_API set) it serves invocations instead.\n"
    )
}

fn read_event(source: &str) -> Result<Vec<u8>, String> {
    if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| format!("cannot read the event from stdin: {error}"))?;
        Ok(bytes)
    } else {
        std::fs::read(source)
            .map_err(|error| format!("cannot read the event file `{source}`: {error}"))
    }
}

/// The UTF-8 encoding of U+FEFF, which some editors write at the start of a file.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// The event without a leading byte order mark: RFC 8259 (section 8.1) lets a JSON parser
/// ignore one, and serde_json would reject it as "expected value at line 1 column 1".
fn skip_byte_order_mark(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(BYTE_ORDER_MARK) {
        bytes.drain(..BYTE_ORDER_MARK.len());
    }
    bytes
}

fn check_json(bytes: &[u8], source: &str) -> Result<(), String> {
    let source = if source == "-" { "stdin" } else { source };
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|error| format!("the event from {source} is not JSON: {error}"))
}

fn print_reply(reply: &Reply) -> ExitCode {
    let (text, exit) = match reply {
        Ok(response) => (response.get().to_owned(), ExitCode::SUCCESS),
        Err(diagnostic) => (error_json(diagnostic), ExitCode::FAILURE),
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    exit
}

/// The invocation error exactly as lambda_runtime posts it to the Runtime API.
pub(crate) fn error_json(diagnostic: &Diagnostic) -> String {
    serde_json::to_string(diagnostic).unwrap_or_else(|_| {
        r#"{"errorType":"Unknown","errorMessage":"the error could not be serialized"}"#.to_owned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_json_is_lambdas_camel_case_shape() {
        let diagnostic = Diagnostic {
            error_type: "T".to_owned(),
            error_message: "m \"q\"".to_owned(),
        };
        assert_eq!(
            error_json(&diagnostic),
            r#"{"errorType":"T","errorMessage":"m \"q\""}"#
        );
    }

    #[test]
    fn check_json_names_the_source() {
        let error = check_json(b"{nope", "events/x.json").unwrap_err();
        assert!(
            error.starts_with("the event from events/x.json is not JSON: "),
            "{error}"
        );
        assert!(check_json(b"{}", "-").is_ok());
        assert!(check_json(b"", "-").unwrap_err().contains("from stdin"));
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_once() {
        let with_mark = b"\xEF\xBB\xBF{\"a\": 1}".to_vec();
        assert!(
            check_json(&with_mark, "-").is_err(),
            "serde_json rejects the mark"
        );
        let skipped = skip_byte_order_mark(with_mark);
        assert_eq!(skipped, b"{\"a\": 1}");
        assert!(check_json(&skipped, "-").is_ok());
        // Only at the start, and only one: a second mark is not JSON.
        let twice = skip_byte_order_mark(b"\xEF\xBB\xBF\xEF\xBB\xBF{}".to_vec());
        assert!(check_json(&twice, "-").is_err());
        assert_eq!(skip_byte_order_mark(b"{}".to_vec()), b"{}");
        assert_eq!(skip_byte_order_mark(b"\xEF\xBB".to_vec()), b"\xEF\xBB");
    }

    #[test]
    fn read_event_names_a_missing_file() {
        let error = read_event("/nonexistent/event.json").unwrap_err();
        assert!(
            error.starts_with("cannot read the event file `/nonexistent/event.json`"),
            "{error}"
        );
    }
}
