//! The custom-integration starter (`examples/apigw-custom-integration`) as a user runs it: the
//! committed `openapi.json` is what its binary prints now (a stale one fails here), `--openapi`
//! follows its process contract, and each sample event's error maps, through the printed
//! selection patterns, to the status its README promises. The mapping templates are rendered
//! with Apache Velocity, the engine API Gateway runs them with
//! ([`templates_render_valid_json_and_problems_in_velocity`]).

mod external;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use lambda_contract_tests::{build_binary, workspace_root, Run};
use regex::Regex;
use serde_json::{json, Value};

/// The flags the committed document was generated with: the README's command, [`REGENERATE`].
const OPENAPI_FLAGS: [&str; 5] = ["--openapi", "--path", "/users/{id}", "--method", "GET"];

const REGENERATE: &str =
    "cargo run -q -p apigw-custom-integration -- --openapi --path '/users/{id}' \
                          --method GET > examples/apigw-custom-integration/openapi.json";

fn starter_dir() -> PathBuf {
    workspace_root().join("examples/apigw-custom-integration")
}

fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("apigw-custom-integration", "apigw-custom-integration"))
}

fn run(arguments: &[&str]) -> Run {
    lambda_contract_tests::run_local(starter_binary(), &starter_dir(), arguments, &[], None)
}

/// Runs the starter on an event given on stdin.
fn run_on(event: &str) -> Run {
    lambda_contract_tests::run_local(
        starter_binary(),
        &starter_dir(),
        &["-"],
        &[],
        Some(event.as_bytes()),
    )
}

fn openapi(arguments: &[&str]) -> Value {
    let run = run(arguments);
    run.assert_exit(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}\n{}", run.describe()))
}

/// The one operation of a document: its path, method and object.
fn operation(document: &Value) -> (String, String, Value) {
    let paths = document["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), 1, "{document}");
    let (path, methods) = paths.iter().next().expect("one path");
    let methods = methods.as_object().expect("methods");
    assert_eq!(methods.len(), 1, "{document}");
    let (method, operation) = methods.iter().next().expect("one method");
    (path.clone(), method.clone(), operation.clone())
}

#[test]
fn the_committed_openapi_json_is_what_the_binary_prints() {
    let file = starter_dir().join("openapi.json");
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(&file)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display())),
    )
    .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
    let current = openapi(&OPENAPI_FLAGS);
    assert!(
        committed == current,
        "examples/apigw-custom-integration/openapi.json is stale: the handler's error mapping \
         changed. Regenerate it from the repository root with\n  {REGENERATE}\nand deploy it \
         with the function."
    );
}

#[test]
fn the_sam_template_deploys_the_committed_document() {
    let template = std::fs::read_to_string(starter_dir().join("template.yaml")).expect("template");
    assert!(template.contains("Location: openapi.json"), "{template}");
    assert!(template.contains("Name: AWS::Include"), "{template}");
    let (_, _, operation) = operation(&openapi(&OPENAPI_FLAGS));
    let uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        .as_str()
        .expect("an Fn::Sub uri");
    let function = uri
        .split("${")
        .find_map(|part| part.strip_suffix(".Arn}/invocations"))
        .expect("the function's logical id");
    assert!(
        template.contains(&format!("\n  {function}:\n")),
        "{function} is not a resource of template.yaml"
    );
}

#[test]
fn openapi_defaults_and_flags() {
    let (path, method, object) = operation(&openapi(&["--openapi"]));
    assert_eq!((path.as_str(), method.as_str()), ("/get-user", "post"));
    assert_eq!(object["operationId"], "get_user");

    let (path, method, _) = operation(&openapi(&[
        "--openapi",
        "--method=delete",
        "--path=/users/{id}",
        "--function",
        "Users",
    ]));
    assert_eq!((path.as_str(), method.as_str()), ("/users/{id}", "delete"));
}

/// Runs the binary with `arguments`, which must be a usage error (exit status 2, nothing on
/// stdout) whose message says each of `says`.
fn assert_usage_error(arguments: &[&str], says: &[&str]) {
    let run = run(arguments);
    run.assert_exit(2);
    assert_eq!(run.stdout, "", "{}", run.describe());
    for text in says {
        assert!(run.stderr.contains(text), "{text:?}\n{}", run.describe());
    }
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    assert_usage_error(
        &["--openapi", "--title", "x"],
        &[
            "unknown flag `--title` after `--openapi`",
            "\n       apigw-custom-integration --openapi [--path",
        ],
    );
    assert_usage_error(
        &["--openapi", "--path", "/users/{id}/{id}"],
        &["`--path /users/{id}/{id}`: the path parameter `{id}` is given twice"],
    );
    assert_usage_error(&["--openapi", "--method", "FETCH"], &["`--method FETCH`"]);
}

/// The status API Gateway answers for an invocation error, by the binary's own patterns:
/// exactly one must match.
fn status_of(patterns: &[(u16, Regex)], message: &str) -> u16 {
    let matched: Vec<u16> = patterns
        .iter()
        .filter(|(_, regex)| regex.is_match(message))
        .map(|(status, _)| *status)
        .collect();
    assert_eq!(matched.len(), 1, "{message:?} matched {matched:?}");
    matched[0]
}

#[test]
fn each_sample_event_maps_to_its_status_through_the_printed_patterns() {
    let (_, _, operation) = operation(&openapi(&OPENAPI_FLAGS));
    let responses = operation["x-amazon-apigateway-integration"]["responses"]
        .as_object()
        .expect("integration responses");
    let patterns: Vec<(u16, Regex)> = responses
        .iter()
        .filter(|(key, _)| *key != "default")
        .map(|(pattern, response)| {
            let status = response["statusCode"]
                .as_str()
                .and_then(|status| status.parse().ok())
                .expect("a statusCode");
            (
                status,
                Regex::new(&format!("^(?:{pattern})$")).expect("valid"),
            )
        })
        .collect();
    let mut statuses: Vec<u16> = patterns.iter().map(|(status, _)| *status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [400, 404, 500, 504]);

    let found = run(&["events/found.json"]);
    found.assert_exit(0);
    let user: Value = serde_json::from_str(&found.stdout).expect("JSON");
    assert_eq!(
        user["id"], "ada",
        "a success is plain JSON (the default 200)"
    );

    for (event, status) in [
        ("not-found", 404),
        ("bad-input", 400),
        ("undeclared-status", 500),
        ("database-outage", 500),
    ] {
        let failed = run(&[&format!("events/{event}.json")]);
        failed.assert_exit(1);
        let error: Value = serde_json::from_str(&failed.stdout).expect("JSON");
        assert_eq!(error["errorType"], format!("Http{status}"), "{event}");
        let message = error["errorMessage"].as_str().expect("errorMessage");
        assert_eq!(status_of(&patterns, message), status, "{event}: {message}");
        assert!(
            !message.contains("10.0.3.7"),
            "{event}: internal text: {message}"
        );
        assert!(
            !message.contains("locked"),
            "{event}: internal text: {message}"
        );
    }
    for (message, status) in [
        (
            "2024-05-01T12:00:00.000Z 8c2c6f0e Task timed out after 10.00 seconds",
            504,
        ),
        ("Process exited before completing request", 500),
    ] {
        assert_eq!(status_of(&patterns, message), status, "{message}");
    }
}

#[test]
fn help_prints_the_usage_on_stdout() {
    for arguments in [
        &["--help"][..],
        &["-h"],
        &["--openapi", "--help"],
        &["--openapi", "--path", "/x", "-h"],
    ] {
        let help = run(arguments);
        help.assert_exit(0);
        assert!(
            help.stdout
                .contains("usage: apigw-custom-integration [EVENT | -]\n       apigw-custom-integration --openapi [--path"),
            "{arguments:?}: {}",
            help.describe()
        );
        assert!(help.stdout.contains("--function"), "{}", help.describe());
        assert_eq!(help.stderr, "", "{}", help.describe());
    }
}

/// The integration of the starter's document: its request template, and each status with its
/// selection pattern (compiled for a whole match) and response template.
struct Integration {
    request: String,
    responses: Vec<(u16, Regex, String)>,
}

fn integration() -> Integration {
    let (_, _, operation) = operation(&openapi(&OPENAPI_FLAGS));
    let integration = &operation["x-amazon-apigateway-integration"];
    let responses = integration["responses"]
        .as_object()
        .expect("integration responses")
        .iter()
        .filter(|(key, _)| *key != "default")
        .map(|(pattern, response)| {
            let status = response["statusCode"]
                .as_str()
                .and_then(|status| status.parse().ok())
                .expect("a statusCode");
            let template = response["responseTemplates"]["application/json"]
                .as_str()
                .expect("a response template")
                .to_owned();
            let regex = Regex::new(&format!("^(?:{pattern})$")).expect("valid");
            (status, regex, template)
        })
        .collect();
    Integration {
        request: integration["requestTemplates"]["application/json"]
            .as_str()
            .expect("a request template")
            .to_owned(),
        responses,
    }
}

impl Integration {
    /// The status and response template the one pattern that matches `message` selects.
    fn select(&self, message: &str) -> (u16, &str) {
        let matched: Vec<&(u16, Regex, String)> = self
            .responses
            .iter()
            .filter(|(_, regex, _)| regex.is_match(message))
            .collect();
        assert_eq!(matched.len(), 1, "{message:?} matched {}", matched.len());
        (matched[0].0, &matched[0].2)
    }
}

/// One rendering of a mapping template.
struct Render<'a> {
    template: &'a str,
    body: &'a str,
    error_message: &'a str,
    parameters: &'a [(&'a str, &'a str)],
}

/// API Gateway's request id in the renderings.
const GATEWAY_REQUEST_ID: &str = "gw-7f3a";

/// Renders each case with Velocity (`tests/tools/VelocityTemplates.java`): the text, or why
/// Velocity failed.
fn velocity(classpath: &str, cases: &[Render<'_>]) -> Vec<Result<String, String>> {
    let mut lines = String::new();
    for case in cases {
        let mut fields = vec![
            case.template,
            case.body,
            case.error_message,
            GATEWAY_REQUEST_ID,
        ];
        for (name, value) in case.parameters {
            fields.extend([*name, *value]);
        }
        let fields: Vec<String> = fields.iter().map(|field| BASE64.encode(field)).collect();
        writeln!(lines, "{}", fields.join(" ")).expect("a string");
    }
    let stdout = external::run_tool(
        "VelocityTemplates.java",
        Some(classpath),
        "velocity-cases",
        &lines,
    );
    let decode =
        |text: &str| String::from_utf8(BASE64.decode(text).expect("base64")).expect("UTF-8");
    let rendered: Vec<Result<String, String>> = stdout
        .lines()
        .map(|line| match line.split_once(' ') {
            Some(("ok", text)) => Ok(decode(text)),
            Some(("error", why)) => Err(decode(why)),
            _ => panic!("unexpected harness output: {line}"),
        })
        .collect();
    assert_eq!(rendered.len(), cases.len(), "{stdout}");
    rendered
}

/// Asserts an RFC 9457 problem with exactly the members every problem of the glue has, and
/// `status`; returns it.
#[track_caller]
fn assert_problem(rendered: &Result<String, String>, status: u16, message: &str) -> Value {
    let text = rendered
        .as_ref()
        .unwrap_or_else(|why| panic!("{message:?}: Velocity failed: {why}"));
    let problem: Value = serde_json::from_str(text)
        .unwrap_or_else(|error| panic!("{message:?} rendered no JSON ({error}): {text}"));
    let members: Vec<&String> = problem
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(
        members,
        ["detail", "requestId", "status", "title", "type"],
        "{message:?}: {text}"
    );
    assert_eq!(problem["status"], status, "{message:?}: {text}");
    for member in ["type", "title", "detail", "requestId"] {
        assert!(problem[member].is_string(), "{message:?}: {text}");
    }
    problem
}

/// The request template turns any path parameter into the JSON the handler decodes (a `'`
/// once made it `\'`, which is not JSON), and every message the function can fail with,
/// whatever its text after a marker, reaches the client as a problem with the status its
/// pattern chose; a problem the glue wrote is passed as it is.
#[test]
fn templates_render_valid_json_and_problems_in_velocity() {
    const CHECK: &str = "mapping templates in Apache Velocity";
    if !external::java(CHECK) {
        return;
    }
    let Some(classpath) = external::velocity_classpath(CHECK) else {
        return;
    };
    let integration = integration();

    let ids = [
        "o'brien",
        "'",
        "say \"hi\"",
        "back\\slash\\",
        "new\nline\ttab\r",
        "ünïcödé 🦀",
        "</script>",
        "$input.params('id') #set($x = 1)",
        "",
    ];
    let parameters: Vec<[(&str, &str); 1]> = ids.iter().map(|id| [("id", *id)]).collect();
    let requests: Vec<Render<'_>> = parameters
        .iter()
        .map(|parameters| Render {
            template: &integration.request,
            body: "{}",
            error_message: "",
            parameters,
        })
        .collect();
    let rendered = velocity(&classpath, &requests);
    let mut events = Vec::new();
    for (id, rendered) in ids.iter().zip(&rendered) {
        let text = rendered
            .as_ref()
            .unwrap_or_else(|why| panic!("{id:?}: {why}"));
        let event: Value = serde_json::from_str(text)
            .unwrap_or_else(|error| panic!("{id:?} rendered no JSON ({error}): {text}"));
        assert_eq!(event, json!({ "id": id }), "{text}");
        events.push(text.clone());
    }

    // What the function answers those inputs, and the starter's sample events.
    let mut messages: Vec<(String, Option<Value>)> = Vec::new();
    let mut add_failure = |run: Run| {
        run.assert_exit(1);
        let error: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let message = error["errorMessage"]
            .as_str()
            .expect("errorMessage")
            .to_owned();
        let problem: Value =
            serde_json::from_str(&message[6..]).expect("a problem after the marker");
        messages.push((message, Some(problem)));
    };
    for event in &events[..events.len() - 1] {
        add_failure(run_on(event));
    }
    for event in [
        "not-found",
        "bad-input",
        "undeclared-status",
        "database-outage",
    ] {
        add_failure(run(&[&format!("events/{event}.json")]));
    }
    let long_id = format!("{}\"'\\\n", "é\"x\\".repeat(50_000));
    add_failure(run_on(&json!({ "id": long_id }).to_string()));
    assert!(
        messages
            .iter()
            .any(|(_, problem)| problem.as_ref().unwrap()["detail"] == "no user `o'brien`"),
        "o'brien reached the handler"
    );

    // Messages the glue never writes: hand-written markers, Lambda's own.
    let long_hand_written = format!("[404] {}", "a\"b\\'c\n".repeat(30_000));
    for message in [
        "[404]",
        "[404] not json",
        "[404]\n{}",
        "[404] it's gone",
        "[404]{\"type\":\"about:blank\"}",
        "[404] {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":200,\"detail\":\"x\",\"requestId\":\"y\"}",
        "[404] {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"x\",\"status\":200,\"requestId\":\"y\"}",
        "[404] {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"\\q\",\"requestId\":\"y\"}",
        "[404] {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"x\\\",\"requestId\":\"y\"}",
        "[404] {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"x\",\"requestId\":\"y\"} trailing",
        "[400] $context.requestId #if(true)",
        &long_hand_written,
        "[500] anything",
        "[504]",
        "[403] not mapped",
        "Task timed out after 10.00 seconds",
        "Process exited before completing request",
    ] {
        messages.push((message.to_owned(), None));
    }

    let selected: Vec<(u16, &str)> = messages
        .iter()
        .map(|(message, _)| integration.select(message))
        .collect();
    let responses: Vec<Render<'_>> = messages
        .iter()
        .zip(&selected)
        .map(|((message, _), (_, template))| Render {
            template,
            body: "{}",
            error_message: message,
            parameters: &[],
        })
        .collect();
    let rendered = velocity(&classpath, &responses);
    for (((message, written), (status, _)), rendered) in
        messages.iter().zip(&selected).zip(&rendered)
    {
        let short: String = message.chars().take(120).collect();
        let problem = assert_problem(rendered, *status, &short);
        match written {
            // The glue's own 4xx problem passes as it is; a 5xx one is the generic problem.
            Some(written) if *status < 500 => assert_eq!(&problem, written, "{short:?}"),
            Some(_) => assert_eq!(problem["requestId"], GATEWAY_REQUEST_ID, "{short:?}"),
            None if *status < 500 => {
                // A hand-written 4xx: its text after the marker is the detail.
                let after = message.get(5..).unwrap_or_default().trim();
                assert_eq!(problem["detail"], after, "{short:?}");
                assert_eq!(problem["requestId"], GATEWAY_REQUEST_ID, "{short:?}");
            }
            None => assert!(!problem["detail"].as_str().unwrap().contains("anything")),
        }
    }
}
