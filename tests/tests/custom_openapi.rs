//! The custom-integration starter (`examples/apigw-custom-integration`) as a user runs it: the
//! committed `openapi.json` is what its binary prints now (a stale one fails here), `--openapi`
//! follows its process contract, and each sample event's error maps, through the printed
//! selection patterns, to the status its README promises.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lambda_contract_tests::{build_binary, workspace_root, Run};
use regex::Regex;
use serde_json::Value;

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

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let unknown = run(&["--openapi", "--title", "x"]);
    unknown.assert_exit(2);
    assert_eq!(unknown.stdout, "", "{}", unknown.describe());
    assert!(
        unknown
            .stderr
            .contains("unknown flag `--title` after `--openapi`"),
        "{}",
        unknown.describe()
    );
    assert!(
        unknown
            .stderr
            .contains("usage: apigw-custom-integration --openapi [--path"),
        "{}",
        unknown.describe()
    );
    let bad_method = run(&["--openapi", "--method", "FETCH"]);
    bad_method.assert_exit(2);
    assert!(
        bad_method.stderr.contains("`--method FETCH`"),
        "{}",
        bad_method.describe()
    );
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
