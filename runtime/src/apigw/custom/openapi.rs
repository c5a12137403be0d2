//! `<binary> --openapi`: the OpenAPI 3 document of the handler's operation, with the
//! `x-amazon-apigateway-integration` that maps its failures, generated from the same
//! [`ErrorStatuses`] the glue answers with. The flags and the document are described in the
//! parent module's documentation.

use std::io::Write;
use std::process::ExitCode;

use serde_json::{json, Map, Value};

use super::{marker, problem_text, ErrorStatuses, SelectionPattern};
use crate::apigw::{ApiError, StatusCode};

/// The first argument that asks for the document.
pub(crate) const FLAG: &str = "--openapi";

/// Exit status of a command line that cannot be followed.
const EXIT_USAGE: u8 = 2;

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const BODY_METHODS: [&str; 3] = ["POST", "PUT", "PATCH"];

/// Prints the document for the command line `program --openapi arguments..`, or the usage
/// when one of them is `--help` (or `-h`).
pub(crate) fn command(
    name: &str,
    statuses: &ErrorStatuses,
    program: Option<String>,
    arguments: impl IntoIterator<Item = String>,
) -> ExitCode {
    let arguments: Vec<String> = arguments.into_iter().collect();
    if arguments.iter().any(|argument| is_help(argument)) {
        return help(name, program);
    }
    let operation = match Operation::parse(name, arguments) {
        Ok(operation) => operation,
        Err(message) => {
            eprintln!("{name}: {message}\n{}", usage(name, program));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let text = match serde_json::to_string_pretty(&document(name, statuses, &operation)) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{name}: the OpenAPI document could not be serialized: {error}");
            return ExitCode::FAILURE;
        }
    };
    print(name, &text, "the OpenAPI document")
}

/// Whether an argument asks for the usage.
pub(crate) fn is_help(argument: &str) -> bool {
    argument == "--help" || argument == "-h"
}

/// Prints the usage on stdout: what `--help` asked for, so exit status 0.
pub(crate) fn help(name: &str, program: Option<String>) -> ExitCode {
    let lines = [
        format!("{name}: an API Gateway custom-integration handler, run locally (AWS_LAMBDA_RUNTIME_API unset)"),
        usage(name, program),
        String::new(),
        "EVENT        the JSON the request mapping template gives the function, from a file (`-` or none: stdin);".into(),
        "             prints the response (exit status 0) or the invocation error (exit status 1)".into(),
        "--openapi    prints the OpenAPI 3 document of the operation, whose integration maps each error to its status".into(),
        format!("  --path     the resource path; `{{name}}` segments are path parameters (default {})", default_path(name)),
        "  --method   GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS (default POST)".into(),
        format!("  --function the function's logical id in the SAM or CloudFormation template (default {})", default_function(name)),
    ];
    print(name, &lines.join("\n"), "the usage")
}

/// The two command lines the binary takes locally.
fn usage(name: &str, program: Option<String>) -> String {
    let program = program
        .as_deref()
        .map(std::path::Path::new)
        .and_then(std::path::Path::file_name)
        .map_or_else(|| name.into(), |file| file.to_string_lossy().into_owned());
    format!(
        "usage: {program} [EVENT | -]\n       {program} --openapi [--path /users/{{id}}] [--method GET] [--function {}]",
        default_function(name)
    )
}

fn print(name: &str, text: &str, what: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{name}: cannot write {what}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Where the operation lives and what the integration calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Operation {
    pub(crate) path: String,
    /// Upper case, one of [`METHODS`].
    pub(crate) method: String,
    /// The function's logical id in the template.
    pub(crate) function: String,
}

impl Operation {
    /// The defaults for a handler, changed by the flags after `--openapi`.
    pub(crate) fn parse(
        name: &str,
        arguments: impl IntoIterator<Item = String>,
    ) -> Result<Self, String> {
        let mut path = None;
        let mut method = None;
        let mut function = None;
        let mut arguments = arguments.into_iter();
        while let Some(argument) = arguments.next() {
            let (flag, inline) = match argument.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => {
                    (flag.to_owned(), Some(value.to_owned()))
                }
                _ => (argument.clone(), None),
            };
            let slot = match flag.as_str() {
                "--path" => &mut path,
                "--method" => &mut method,
                "--function" => &mut function,
                _ if flag.starts_with('-') => {
                    return Err(format!(
                        "unknown flag `{flag}` after `--openapi`; expected `--path`, `--method` or `--function`"
                    ))
                }
                _ => return Err(format!("unexpected argument `{argument}` after `--openapi`")),
            };
            if slot.is_some() {
                return Err(format!("`{flag}` is given twice"));
            }
            let value = match inline.or_else(|| arguments.next()) {
                Some(value) => value,
                None => return Err(format!("`{flag}` needs a value")),
            };
            *slot = Some(value);
        }
        let path = match path {
            Some(path) => check_path(path)?,
            None => default_path(name),
        };
        let method = match method {
            Some(method) => check_method(&method)?,
            None => "POST".to_owned(),
        };
        let function = match function {
            Some(function) => check_function(function)?,
            None => default_function(name),
        };
        Ok(Operation {
            path,
            method,
            function,
        })
    }

    /// The `{name}` segments of the path.
    fn path_parameters(&self) -> Vec<&str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect()
    }

    fn takes_body(&self) -> bool {
        BODY_METHODS.contains(&self.method.as_str())
    }
}

fn handler_name(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

fn default_path(name: &str) -> String {
    format!("/{}", handler_name(name).replace('_', "-"))
}

fn default_function(name: &str) -> String {
    let mut pascal = String::new();
    for word in handler_name(name).split('_') {
        let mut chars = word.chars().filter(char::is_ascii_alphanumeric);
        if let Some(first) = chars.next() {
            pascal.push(first.to_ascii_uppercase());
            pascal.extend(chars);
        }
    }
    if pascal.is_empty() || pascal.starts_with(|c: char| c.is_ascii_digit()) {
        pascal.insert_str(0, "Handler");
    }
    pascal.push_str("Function");
    pascal
}

fn check_path(path: String) -> Result<String, String> {
    let bad = |why: &str| Err(format!("`--path {path}`: {why}, such as `/users/{{id}}`"));
    if !path.starts_with('/') {
        return bad("a path begins with `/`");
    }
    if path == "/" {
        return Ok(path);
    }
    let mut parameters: Vec<&str> = Vec::new();
    for segment in path[1..].split('/') {
        if segment.is_empty() {
            return bad("a path has no empty segment");
        }
        if let Some(parameter) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let valid = !parameter.is_empty()
                && parameter
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !valid {
                return bad("a path parameter is `{name}`, its name letters, digits, `.`, `_` or `-` (no greedy `{proxy+}`)");
            }
            if parameters.contains(&parameter) {
                return Err(format!(
                    "`--path {path}`: the path parameter `{{{parameter}}}` is given twice; \
                     each path parameter needs its own name, such as `/users/{{id}}/posts/{{postId}}`"
                ));
            }
            parameters.push(parameter);
        } else if segment.contains(['{', '}']) || segment.chars().any(char::is_control) {
            return bad("a path parameter is a whole segment");
        }
    }
    Ok(path)
}

fn check_method(method: &str) -> Result<String, String> {
    let upper = method.to_ascii_uppercase();
    if METHODS.contains(&upper.as_str()) {
        Ok(upper)
    } else {
        Err(format!(
            "`--method {method}` is not one of {}",
            METHODS.join(", ")
        ))
    }
}

fn check_function(function: String) -> Result<String, String> {
    let valid = function.starts_with(|c: char| c.is_ascii_alphabetic())
        && function.chars().all(|c| c.is_ascii_alphanumeric());
    if valid {
        Ok(function)
    } else {
        Err(format!(
            "`--function {function}` is not a CloudFormation logical id (letters and digits, such as `GetUserFunction`)"
        ))
    }
}

/// The whole document.
pub(crate) fn document(name: &str, statuses: &ErrorStatuses, operation: &Operation) -> Value {
    let name = handler_name(name);
    let patterns = statuses.selection_patterns();

    let mut method_responses = Map::new();
    method_responses.insert(
        "200".to_owned(),
        json!({
            "description": "The handler's `Ok` value, as JSON.",
            "content": { "application/json": {} }
        }),
    );
    let mut integration_responses = Map::new();
    integration_responses.insert("default".to_owned(), json!({ "statusCode": "200" }));
    for SelectionPattern { status, pattern } in &patterns {
        method_responses.insert(status.to_string(), problem_response(*status));
        integration_responses.insert(pattern.clone(), integration_response(*status));
    }

    let mut operation_object = Map::new();
    operation_object.insert("operationId".to_owned(), json!(name));
    let parameters: Vec<Value> = operation
        .path_parameters()
        .into_iter()
        .map(|parameter| {
            json!({ "name": parameter, "in": "path", "required": true, "schema": { "type": "string" } })
        })
        .collect();
    if !parameters.is_empty() {
        operation_object.insert("parameters".to_owned(), Value::Array(parameters));
    }
    operation_object.insert("responses".to_owned(), Value::Object(method_responses));
    operation_object.insert(
        "x-amazon-apigateway-integration".to_owned(),
        json!({
            "type": "aws",
            "httpMethod": "POST",
            "uri": {
                "Fn::Sub": format!(
                    "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{}.Arn}}/invocations",
                    operation.function
                )
            },
            "passthroughBehavior": "never",
            "requestTemplates": { "application/json": request_template(operation) },
            "responses": Value::Object(integration_responses),
        }),
    );

    json!({
        "openapi": "3.0.1",
        "info": {
            "title": name,
            "version": "1.0",
            "description": format!(
                "Generated from the `#[apigw_custom]` attribute of `{name}` by its binary's `--openapi`: \
                 regenerate it rather than edit it. The function's errors begin with a `[NNN]` status \
                 marker; every possible errorMessage matches exactly one selection pattern."
            ),
        },
        "paths": {
            operation.path.as_str(): {
                operation.method.to_ascii_lowercase(): Value::Object(operation_object)
            }
        },
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "description": "An RFC 9457 problem.",
                    "required": ["type", "title", "status", "detail", "requestId"],
                    "properties": {
                        "type": { "type": "string" },
                        "title": { "type": "string" },
                        "status": { "type": "integer" },
                        "detail": { "type": "string" },
                        "requestId": { "type": "string" }
                    }
                }
            }
        }
    })
}

/// The method response for a failure: a problem, with the content type the integration sets.
fn problem_response(status: u16) -> Value {
    json!({
        "description": reason(status),
        "headers": { "Content-Type": { "schema": { "type": "string" } } },
        "content": {
            "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } }
        }
    })
}

/// The integration response for a failure.
///
/// A declared status passes the problem the function wrote, less its marker, when it is one
/// the glue writes for that status ([`problem_pattern`]); any other text after the marker (a
/// hand-written `[404] not json`, or nothing) gets a problem built here, with the status the
/// pattern chose and, for a 4xx, that text as its detail. 500 and 504 also catch Lambda's own
/// messages, which are internal: their body is always the generic problem, with API Gateway's
/// request id.
fn integration_response(status: u16) -> Value {
    let built = |detail: &str| {
        problem_text(&sample_error(status), REQUEST_ID)
            .replace(&Value::from(DETAIL).to_string(), detail)
            .replace(
                &Value::from(REQUEST_ID).to_string(),
                "\"$context.requestId\"",
            )
    };
    let template = if status == 500 || status == 504 {
        built("")
    } else {
        // The text after the marker: `[404] ` is five characters and a space, which `trim`
        // takes, with whatever a hand-written message has around it.
        format!(
            "#set($problem = $input.path('$.errorMessage').substring({}).trim())\
             #if($problem.matches('{}'))$problem#{{else}}{}#{{end}}",
            marker(status).len(),
            problem_pattern(status),
            built(&format!("\"{}\"", escape_javascript("$problem"))),
        )
    };
    json!({
        "statusCode": status.to_string(),
        "responseParameters": {
            "method.response.header.Content-Type": "'application/problem+json'"
        },
        "responseTemplates": { "application/json": template }
    })
}

/// Placeholders in a sample problem, replaced to make templates.
const DETAIL: &str = "@detail@";
const REQUEST_ID: &str = "@requestId@";

/// A failure with `status`, its detail [`DETAIL`] (a 5xx problem carries the generic detail
/// instead).
fn sample_error(status: u16) -> ApiError {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::new(status, DETAIL)
}

/// A Java regular expression, inside a VTL single-quoted string, for exactly the problems the
/// glue writes for `status` ([`problem_text`]): the sample with its detail and request id
/// replaced by any JSON string body without `"` or a control character, and no `\` but the
/// start of an escape. A 5xx problem's detail is the generic one, matched literally.
///
/// Only single characters repeat, and the escapes are checked by a lookahead over the whole
/// text: a group under `*` would make Java recurse once per character of the detail.
pub(crate) fn problem_pattern(status: u16) -> String {
    let sample = problem_text(&sample_error(status), REQUEST_ID);
    let string_body = r#""[^"\x00-\x1f]*""#;
    let mut pattern = String::from(r"(?![\s\S]*\\(?![bfnrt]|u[0-9a-fA-F]{4}))");
    let detail = Value::from(DETAIL).to_string();
    let request_id = Value::from(REQUEST_ID).to_string();
    let mut rest = sample.as_str();
    while !rest.is_empty() {
        let next = [&detail, &request_id]
            .into_iter()
            .filter_map(|placeholder| Some((rest.find(placeholder.as_str())?, placeholder.len())))
            .min();
        match next {
            Some((at, length)) => {
                pattern.push_str(&java_literal(&rest[..at]));
                pattern.push_str(string_body);
                rest = &rest[at + length..];
            }
            None => {
                pattern.push_str(&java_literal(rest));
                rest = "";
            }
        }
    }
    pattern
}

/// A literal text in a Java regular expression that sits in a VTL single-quoted string:
/// letters, digits and a few harmless characters as they are, every other one as `\xhh` or
/// `\x{h…}` (so no `'` ends the VTL string and no character means anything to the regex).
fn java_literal(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " \":,/_".contains(c) {
                c.to_string()
            } else if c.is_ascii() {
                format!("\\x{:02x}", u32::from(c))
            } else {
                format!("\\x{{{:x}}}", u32::from(c))
            }
        })
        .collect()
}

/// A VTL expression for the JSON string body of `reference`'s text: `escapeJavaScript`
/// escapes `'` as `\'`, which JSON does not know, so it is turned back (the fix the API
/// Gateway mapping template reference gives).
fn escape_javascript(reference: &str) -> String {
    format!(r#"$util.escapeJavaScript({reference}).replaceAll("\\'","'")"#)
}

/// What the request mapping template gives the handler; see the module's documentation.
fn request_template(operation: &Operation) -> String {
    let parameters = operation.path_parameters();
    if parameters.is_empty() {
        return if operation.takes_body() {
            "$input.json('$')".to_owned()
        } else {
            "{}".to_owned()
        };
    }
    let mut members: Vec<String> = parameters
        .iter()
        .map(|parameter| {
            let value = escape_javascript(&format!("$input.params('{parameter}')"));
            format!("\"{parameter}\": \"{value}\"")
        })
        .collect();
    if operation.takes_body() {
        members.push("\"body\": $input.json('$')".to_owned());
    }
    format!("{{{}}}", members.join(", "))
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Error")
}
