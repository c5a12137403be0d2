//! The API Gateway starter (`examples/apigw-rest-api`) run in local mode on its events in all
//! three request formats: the exact envelope (status, headers, body) each answers with, in the
//! request's own format, and the process contract (exit 0 for any envelope, 1 for an event
//! that is not an HTTP request, 2 for unreadable input).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lambda_contract_tests::{build_binary, workspace_root, Run};
use serde_json::{json, Value};

fn starter_dir() -> PathBuf {
    workspace_root().join("examples/apigw-rest-api")
}

fn starter_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("apigw-rest-api", "apigw-rest-api"))
}

fn run(arguments: &[&str], stdin: Option<&[u8]>) -> Run {
    lambda_contract_tests::run_local(starter_binary(), &starter_dir(), arguments, &[], stdin)
}

/// Runs one event file; returns the envelope, after checking it is the only stdout line and
/// the process exited 0.
fn envelope(event: &str) -> Value {
    let run = run(&[&format!("events/{event}")], None);
    run.assert_exit(0);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.describe());
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("{error}\n{}", run.describe()))
}

/// The body of an envelope, which must be a string, parsed as JSON.
fn json_body(envelope: &Value) -> Value {
    let body = envelope["body"]
        .as_str()
        .unwrap_or_else(|| panic!("body is not a string: {envelope}"));
    serde_json::from_str(body).unwrap_or_else(|error| panic!("{error}: {envelope}"))
}

fn problem(status: u16, title: &str, detail: &str, request_id: &str) -> Value {
    json!({ "type": "about:blank", "title": title, "status": status, "detail": detail, "requestId": request_id })
}

const V1_REQUEST_ID: &str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
const V2_REQUEST_ID: &str = "JKJaXmPLvHcESHA=";
const GENERIC_500: &str =
    "The server could not complete the request; quote the requestId when reporting it.";

#[test]
fn v1_get_user_is_a_200_json_envelope_with_multi_value_headers() {
    let out = envelope("v1-get-user.json");
    assert_eq!(
        out,
        json!({
            "statusCode": 200,
            "headers": { "content-type": "application/json" },
            "multiValueHeaders": {},
            "body": r#"{"id":"ada","name":"Ada Lovelace","email":"ada@example.com"}"#,
            "isBase64Encoded": false
        })
    );
}

#[test]
fn v1_create_is_201_and_delete_is_204_without_a_body() {
    let out = envelope("v1-create-user.json");
    assert_eq!(out["statusCode"], 201);
    assert_eq!(
        json_body(&out),
        json!({ "id": "grace", "name": "Grace Hopper", "email": "grace@example.com" })
    );

    let out = envelope("v1-delete-user.json");
    assert_eq!(
        out,
        json!({ "statusCode": 204, "headers": {}, "multiValueHeaders": {}, "body": "", "isBase64Encoded": false })
    );
}

#[test]
fn v1_client_mistakes_are_4xx_problems_saying_what_was_wrong() {
    let cases = [
        (
            "v1-get-missing-user.json",
            404,
            "Not Found",
            Some("no user `nobody`"),
        ),
        (
            "v1-create-duplicate-user.json",
            409,
            "Conflict",
            Some("user `ada` already exists"),
        ),
        (
            "v1-create-no-content-type.json",
            415,
            "Unsupported Media Type",
            Some(
                "expected a JSON body with `content-type: application/json`, got no `content-type`",
            ),
        ),
        ("v1-create-malformed-json.json", 400, "Bad Request", None),
        (
            "v1-create-wrong-shape.json",
            422,
            "Unprocessable Entity",
            None,
        ),
    ];
    for (event, status, title, detail) in cases {
        let out = envelope(event);
        assert_eq!(out["statusCode"], status, "{event}: {out}");
        assert_eq!(
            out["headers"]["content-type"], "application/problem+json",
            "{event}: {out}"
        );
        let body = json_body(&out);
        match detail {
            Some(detail) => assert_eq!(
                body,
                problem(status, title, detail, V1_REQUEST_ID),
                "{event}"
            ),
            None => {
                assert_eq!(
                    (body["status"].clone(), body["title"].clone()),
                    (json!(status), json!(title)),
                    "{event}"
                );
                assert!(
                    body["detail"]
                        .as_str()
                        .is_some_and(|detail| !detail.is_empty()),
                    "{event}: {body}"
                );
            }
        }
    }
    let wrong_shape = json_body(&envelope("v1-create-wrong-shape.json"));
    assert!(
        wrong_shape["detail"].as_str().unwrap().contains("name"),
        "the 422 names the field: {wrong_shape}"
    );
}

#[test]
fn a_failing_dependency_is_a_generic_500_and_its_text_is_only_logged() {
    for (event, request_id) in [
        ("v1-database-outage.json", V1_REQUEST_ID),
        ("v2-database-outage.json", V2_REQUEST_ID),
    ] {
        let run = run(&[&format!("events/{event}")], None);
        run.assert_exit(0);
        let out: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(out["statusCode"], 500, "{event}");
        assert_eq!(
            json_body(&out),
            problem(500, "Internal Server Error", GENERIC_500, request_id),
            "{event}"
        );
        assert!(
            !run.stdout.contains("10.0.3.7"),
            "internal text leaked to the client: {}",
            run.stdout
        );
        assert!(
            run.stderr.contains("connection reset by 10.0.3.7:5432"),
            "the real error is logged: {}",
            run.describe()
        );
        assert!(
            run.stderr.contains(request_id),
            "the log names the request id: {}",
            run.describe()
        );
    }
}

#[test]
fn v2_envelopes_carry_cookies_and_no_multi_value_headers() {
    let out = envelope("v2-get-user.json");
    assert_eq!(
        out,
        json!({
            "statusCode": 200,
            "headers": { "content-type": "application/json" },
            "cookies": [],
            "body": r#"{"id":"ada","name":"Ada Lovelace","email":"ada@example.com"}"#,
            "isBase64Encoded": false
        })
    );
    let out = envelope("v2-create-user.json");
    assert_eq!(
        (out["statusCode"].clone(), out["cookies"].clone()),
        (json!(201), json!([]))
    );
    let out = envelope("v2-delete-missing-user.json");
    assert_eq!(out["statusCode"], 404);
    assert_eq!(
        json_body(&out),
        problem(404, "Not Found", "no user `nobody`", V2_REQUEST_ID)
    );
}

#[test]
fn alb_envelopes_carry_a_status_description() {
    let out = envelope("alb-create-user.json");
    assert_eq!(out["statusCode"], 201);
    assert_eq!(out["statusDescription"], "201 Created");
    assert_eq!(out["headers"]["content-type"], "application/json");
    assert!(
        out.get("multiValueHeaders").is_none() && out.get("cookies").is_none(),
        "{out}"
    );

    let out = envelope("alb-method-not-allowed.json");
    assert_eq!(
        (out["statusCode"].clone(), out["statusDescription"].clone()),
        (json!(405), json!("405 Method Not Allowed"))
    );
    assert_eq!(
        json_body(&out)["detail"],
        "PATCH is not supported on /users"
    );
}

#[test]
fn a_payload_that_is_not_an_http_request_is_an_invocation_error() {
    let connect_event =
        br#"{"Name":"ContactFlowEvent","Details":{"ContactData":{"ContactId":"c"}}}"#;
    let run = run(&[], Some(connect_event));
    run.assert_exit(1);
    let error: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("{error}\n{}", run.describe()));
    assert_eq!(
        error["errorType"],
        "InvalidApiGatewayEvent",
        "{}",
        run.describe()
    );
}

#[test]
fn unreadable_input_exits_2_with_nothing_on_stdout() {
    let run = run(&["-"], Some(b"GET /users HTTP/1.1"));
    run.assert_exit(2);
    assert_eq!(run.stdout, "", "{}", run.describe());
    assert!(run.stderr.contains("is not JSON"), "{}", run.describe());
}

#[test]
fn a_leading_byte_order_mark_is_skipped_from_a_file_and_from_stdin() {
    // Some editors save JSON with a UTF-8 byte order mark; RFC 8259 lets a parser skip it.
    let event = std::fs::read(starter_dir().join("events/v1-get-user.json")).unwrap();
    let mut with_mark = b"\xEF\xBB\xBF".to_vec();
    with_mark.extend_from_slice(&event);
    let expected = envelope("v1-get-user.json");

    let from_stdin = run(&["-"], Some(&with_mark));
    from_stdin.assert_exit(0);
    let out: Value = serde_json::from_str(&from_stdin.stdout)
        .unwrap_or_else(|error| panic!("{error}\n{}", from_stdin.describe()));
    assert_eq!(out, expected);

    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("v1-get-user-with-bom.json");
    std::fs::write(&file, &with_mark).unwrap();
    let from_file = run(&[file.to_str().unwrap()], None);
    from_file.assert_exit(0);
    let out: Value = serde_json::from_str(&from_file.stdout)
        .unwrap_or_else(|error| panic!("{error}\n{}", from_file.describe()));
    assert_eq!(out, expected);

    // Only one mark, only at the start: anything else is still not JSON.
    let mut twice = b"\xEF\xBB\xBF".to_vec();
    twice.extend_from_slice(&with_mark);
    let run = run(&["-"], Some(&twice));
    run.assert_exit(2);
    assert!(run.stderr.contains("is not JSON"), "{}", run.describe());
}

#[test]
fn a_named_http_api_stage_is_not_part_of_the_path() {
    // An HTTP API stage `beta` with a `ANY /{proxy+}` route: `rawPath` starts with the stage,
    // and the starter reads the id off the path, as it does behind a function URL.
    let event = json!({
        "version": "2.0",
        "routeKey": "ANY /{proxy+}",
        "rawPath": "/beta/users/ada",
        "rawQueryString": "",
        "headers": { "accept": "application/json" },
        "pathParameters": { "proxy": "users/ada" },
        "requestContext": {
            "http": { "method": "GET", "path": "/beta/users/ada" },
            "requestId": "stage-1",
            "routeKey": "ANY /{proxy+}",
            "stage": "beta"
        },
        "isBase64Encoded": false
    });
    let run = run(&["-"], Some(event.to_string().as_bytes()));
    run.assert_exit(0);
    let out: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("{error}\n{}", run.describe()));
    assert_eq!(out["statusCode"], 200, "{}", run.describe());
    assert_eq!(json_body(&out)["id"], "ada");
}

#[test]
fn a_lambda_authorizers_input_is_an_invocation_error_saying_so() {
    let authorizer = json!({
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/users/ada",
        "resource": "/users/{id}",
        "path": "/users/ada",
        "httpMethod": "GET",
        "headers": { "authorization": "Bearer x" },
        "pathParameters": { "id": "ada" },
        "requestContext": { "httpMethod": "GET", "requestId": "auth-1", "stage": "prod" }
    });
    let run = run(&["-"], Some(authorizer.to_string().as_bytes()));
    run.assert_exit(1);
    let error: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("{error}\n{}", run.describe()));
    assert_eq!(error["errorType"], "InvalidApiGatewayEvent");
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("Lambda authorizer's input") && message.contains("a different caller"),
        "{message}"
    );
}
