use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::glue::*;
use super::openapi::{document, Operation};
use super::patterns::marker;
use super::*;
use crate::apigw::{StatusCode, SERVER_ERROR_DETAIL};
use crate::test_logs::Logs;
use crate::testing;

// ---- a handler ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct GetUser {
    id: String,
}

#[derive(Serialize)]
struct User {
    id: String,
    name: &'static str,
}

#[derive(Debug)]
struct Unavailable;

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("users table unavailable: connection reset by 10.0.3.7")
    }
}

impl std::error::Error for Unavailable {}

async fn get_user(input: GetUser) -> Result<User, ApiError> {
    match input.id.as_str() {
        "ada" => Ok(User {
            id: input.id,
            name: "Ada",
        }),
        "" => Err(ApiError::bad_request("id must not be empty")),
        "taken" => Err(ApiError::conflict("the id is taken: password=hunter2")),
        "outage" => Err(Unavailable)?,
        "503" => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "maintenance: hunter2",
        )),
        "panic" => panic!("deliberate: password=hunter2"),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Err(ApiError::internal("unreachable"))
        }
        "multi" => Err(ApiError::not_found("no user\nwith that id\r\n\"quoted\"")),
        other => Err(ApiError::not_found(format!("no user {other}"))),
    }
}

/// What `#[apigw_custom(errors(404, 503))] async fn get_user(input: GetUser)` expands to.
fn handler() -> impl crate::Handler {
    lambda(
        "get_user",
        &[404, 503],
        <GetUser as Input>::parser(),
        crate::handler::no_init,
        |input: GetUser, _: &'static (), _: &Context| {
            let future = get_user(input);
            async move {
                match future.await {
                    Ok(value) => respond::<User>(value),
                    Err(error) => fail(error),
                }
            }
        },
    )
}

async fn boxed_error(_: Value) -> Result<(), crate::Error> {
    Err("a boxed failure: hunter2".into())
}

fn boxed() -> impl crate::Handler {
    lambda(
        "boxed",
        &[],
        <Value as Input>::parser(),
        crate::handler::no_init,
        |input: Value, _: &'static (), _: &Context| {
            let future = boxed_error(input);
            async move { outcome(future.await) }
        },
    )
}

fn unserializable() -> impl crate::Handler {
    lambda(
        "unserializable",
        &[],
        <Value as Input>::parser(),
        crate::handler::no_init,
        |_: Value, _: &'static (), _: &Context| async {
            // A map with non-string keys is not JSON.
            let map = std::collections::BTreeMap::from([((1, 2), "x")]);
            respond(map)
        },
    )
}

async fn failure(handler: &impl crate::Handler, input: Value) -> (Diagnostic, Value) {
    let context = testing::context("req-1", Duration::from_secs(30));
    let error = testing::invoke_with_context(handler, input, context)
        .await
        .unwrap_err();
    let marker_and_problem = error.error_message.split_once(' ').unwrap();
    let problem = serde_json::from_str(marker_and_problem.1).unwrap();
    (error, problem)
}

fn problem(status: u16, title: &str, detail: &str) -> Value {
    json!({ "type": "about:blank", "title": title, "status": status, "detail": detail, "requestId": "req-1" })
}

// ---- the contract --------------------------------------------------------------------------

#[tokio::test]
async fn ok_values_are_plain_json() {
    let out = testing::invoke(&handler(), json!({ "id": "ada" }))
        .await
        .unwrap();
    assert_eq!(out, json!({ "id": "ada", "name": "Ada" }));
}

#[tokio::test]
async fn declared_statuses_carry_their_marker_and_problem() {
    let (error, body) = failure(&handler(), json!({ "id": "bob" })).await;
    assert_eq!(error.error_type, "Http404");
    assert!(error.error_message.starts_with("[404] {"), "{error:?}");
    assert_eq!(body, problem(404, "Not Found", "no user bob"));
}

#[tokio::test]
async fn a_multi_line_detail_stays_one_json_line() {
    let (error, body) = failure(&handler(), json!({ "id": "multi" })).await;
    assert!(!error.error_message.contains('\n'), "{error:?}");
    assert_eq!(body["detail"], "no user\nwith that id\r\n\"quoted\"");
}

#[tokio::test]
async fn four_hundred_is_always_mapped() {
    let (error, body) = failure(&handler(), json!({ "id": "" })).await;
    assert_eq!(error.error_type, "Http400");
    assert_eq!(body, problem(400, "Bad Request", "id must not be empty"));
}

#[tokio::test]
async fn input_that_does_not_deserialize_is_a_400_naming_what_is_wrong() {
    let (logs, _guard) = Logs::capture();
    let (error, body) = failure(&handler(), json!({ "user": "ada" })).await;
    assert_eq!(error.error_type, "Http400");
    assert!(error.error_message.starts_with("[400] "));
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("the request does not match the input this operation takes: ")
            && detail.contains("missing field `id`"),
        "{detail}"
    );
    assert!(logs.text().contains("request rejected"), "{}", logs.text());
}

#[tokio::test]
async fn an_undeclared_status_is_a_generic_500_logged_once() {
    let (logs, _guard) = Logs::capture();
    let (error, body) = failure(&handler(), json!({ "id": "taken" })).await;
    assert_eq!(error.error_type, "Http500");
    assert!(!error.error_message.contains("hunter2"), "{error:?}");
    assert_eq!(
        body,
        problem(500, "Internal Server Error", SERVER_ERROR_DETAIL)
    );
    let logged = logs.text();
    assert_eq!(logged.matches("hunter2").count(), 1, "{logged}");
    assert!(logged.contains("ERROR"), "{logged}");
    assert!(logged.contains("request_id=req-1"), "{logged}");
    assert!(
        logged.contains("failed with 409, which its `errors(..)` does not declare"),
        "{logged}"
    );
}

#[tokio::test]
async fn a_declared_5xx_keeps_its_status_but_not_its_text() {
    let (logs, _guard) = Logs::capture();
    let (error, body) = failure(&handler(), json!({ "id": "503" })).await;
    assert_eq!(error.error_type, "Http503");
    assert_eq!(
        body,
        problem(503, "Service Unavailable", SERVER_ERROR_DETAIL)
    );
    assert_eq!(logs.text().matches("hunter2").count(), 1, "{}", logs.text());
}

#[tokio::test]
async fn std_errors_boxed_errors_and_panics_are_generic_500s() {
    let (logs, _guard) = Logs::capture();
    let (error, body) = failure(&handler(), json!({ "id": "outage" })).await;
    assert_eq!(error.error_type, "Http500");
    assert!(!error.error_message.contains("10.0.3.7"), "{error:?}");
    assert_eq!(body["detail"], SERVER_ERROR_DETAIL);
    assert_eq!(
        logs.text().matches("10.0.3.7").count(),
        1,
        "{}",
        logs.text()
    );

    let (error, _) = failure(&boxed(), json!(null)).await;
    assert_eq!(error.error_type, "Http500");
    assert!(!error.error_message.contains("hunter2"), "{error:?}");

    let (error, _) = failure(&handler(), json!({ "id": "panic" })).await;
    assert_eq!(error.error_type, "Http500");
    assert!(!error.error_message.contains("hunter2"), "{error:?}");
    let logged = logs.text();
    assert!(
        logged.contains("the handler panicked: deliberate"),
        "{logged}"
    );
    assert!(logged.contains("HandlerPanicked"), "{logged}");

    let (error, _) = failure(&unserializable(), json!(null)).await;
    assert_eq!(error.error_type, "Http500");
    assert!(logs.text().contains("InvalidResponse"), "{}", logs.text());
}

#[tokio::test]
async fn lambdas_deadline_is_a_504() {
    let context = testing::context("req-1", Duration::from_millis(60));
    let error = testing::invoke_with_context(&handler(), json!({ "id": "slow" }), context)
        .await
        .unwrap_err();
    assert_eq!(error.error_type, "Http504");
    let (_, body) = error.error_message.split_once(' ').unwrap();
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body, problem(504, "Gateway Timeout", SERVER_ERROR_DETAIL));
}

#[test]
fn glue_conversions() {
    assert!(matches!(respond(7), Outcome::Response(Ok(json)) if json.get() == "7"));
    let Outcome::Failed(error) = fail(std::io::Error::other("x")) else {
        panic!("not a failure")
    };
    assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let boxed: crate::Error = "boxed".into();
    assert!(matches!(fail(boxed), Outcome::Failed(e) if e.status() == 500));
    let ok: Result<u8, ApiError> = Ok(1);
    assert!(matches!(outcome(ok), Outcome::Response(Ok(json)) if json.get() == "1"));
}

// ---- statuses and patterns -----------------------------------------------------------------

#[test]
fn statuses_add_the_always_mapped_ones_sorted_and_deduplicated() {
    let statuses = ErrorStatuses::new([404, 409, 404, 500]).unwrap();
    assert_eq!(statuses.statuses(), [400, 404, 409, 500, 504]);
    assert!(statuses.maps(409) && !statuses.maps(403));
    assert_eq!(ErrorStatuses::new([]).unwrap().statuses(), ALWAYS_MAPPED);
    assert_eq!(ErrorStatuses::new([399]).unwrap_err(), InvalidStatus(399));
    assert_eq!(ErrorStatuses::new([600]).unwrap_err(), InvalidStatus(600));
    assert_eq!(
        ErrorStatuses::from_valid(&[200, 404, 700]).statuses(),
        [400, 404, 500, 504]
    );
}

#[test]
fn error_types_and_markers_name_the_status() {
    assert_eq!(error_type(404), "Http404");
    assert_eq!(marker(404), "[404]");
}

#[test]
fn one_pattern_per_status_in_order() {
    let statuses = ErrorStatuses::new([404, 409]).unwrap();
    let patterns = statuses.selection_patterns();
    let order: Vec<u16> = patterns.iter().map(|p| p.status).collect();
    assert_eq!(order, statuses.statuses());
    assert_eq!(patterns[0].pattern, r"\[400\][\s\S]*");
    assert_eq!(patterns[2].pattern, r"\[409\][\s\S]*");
    assert!(patterns[3].pattern.starts_with(r"\[(?:[0-9]{0,3}|"));
    assert!(patterns[4].pattern.starts_with(r"\[504\][\s\S]*|"));
}

#[test]
fn patterns_use_only_syntax_java_and_rust_read_alike() {
    for pattern in ErrorStatuses::new([401, 403, 404, 409, 422, 429, 503])
        .unwrap()
        .selection_patterns()
    {
        let text = &pattern.pattern;
        // No lookaround, no `\d`, `\w` or `\b` (Unicode in Rust), no anchors, no set
        // operations, and no group under `*` or `+` (Java recurses once per repetition).
        for forbidden in [
            "(?=", "(?!", "(?<", r"\d", r"\w", r"\b", ")*", ")+", "){", "&&", "^", "$",
        ] {
            let text = text.replace("[^", "[");
            assert!(!text.contains(forbidden), "{forbidden} in {text}");
        }
        // Every `.` outside a class is escaped: bare, it would not match a newline in Java.
        let (mut escaped, mut in_class, mut unescaped_dots) = (false, false, 0);
        for c in text.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '[' => in_class = true,
                ']' => in_class = false,
                '.' if !in_class => unescaped_dots += 1,
                _ => {}
            }
        }
        assert_eq!(unescaped_dots, 0, "{text}");
    }
}

/// A declared set whose unmapped codes take the longest pattern to spell (found by search).
const WIDEST: [u16; 50] = [
    404, 406, 412, 416, 421, 424, 426, 433, 436, 443, 447, 450, 454, 458, 464, 467, 472, 475, 478,
    483, 485, 487, 493, 495, 499, 503, 507, 512, 516, 523, 526, 528, 532, 535, 537, 543, 547, 553,
    555, 558, 563, 565, 570, 573, 576, 583, 585, 586, 593, 596,
];

/// Asserts that every pattern can be a YAML implicit key: under 1,000 characters, and so is
/// its JSON string (each `\` doubled) that a YAML parser reads when it reads the document.
#[track_caller]
fn assert_short(declared: &[u16]) {
    for SelectionPattern { status, pattern } in ErrorStatuses::new(declared.iter().copied())
        .unwrap()
        .selection_patterns()
    {
        let quoted = Value::from(pattern.as_str()).to_string();
        assert!(
            pattern.chars().count() < 1000 && quoted.chars().count() < 1000,
            "{declared:?}: the {status} pattern is {} characters, {} quoted",
            pattern.chars().count(),
            quoted.chars().count()
        );
    }
}

#[test]
fn patterns_stay_under_1000_characters_for_any_declared_set() {
    assert_short(&[]);
    assert_short(&WIDEST);
    assert_short(&(400..=599).collect::<Vec<_>>());
    assert_short(&(400..=599).step_by(2).collect::<Vec<_>>());
    assert_short(&(400..=599).step_by(3).collect::<Vec<_>>());
    let widest = ErrorStatuses::new(WIDEST).unwrap().selection_patterns();
    let catch_all = widest.iter().find(|pattern| pattern.status == 500).unwrap();
    assert!(
        catch_all.pattern.len() > 600,
        "WIDEST is no longer the widest"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, failure_persistence: None, ..Default::default() })]

    #[test]
    fn random_declared_sets_stay_short(declared in proptest::collection::vec(400_u16..=599, 0..120)) {
        assert_short(&declared);
    }
}

// ---- --openapi ---------------------------------------------------------------------------------

fn parse(arguments: &[&str]) -> Result<Operation, String> {
    Operation::parse("get_user", arguments.iter().map(|a| a.to_string()))
}

#[test]
fn operation_defaults_come_from_the_handler_name() {
    assert_eq!(
        parse(&[]).unwrap(),
        Operation {
            path: "/get-user".into(),
            method: "POST".into(),
            function: "GetUserFunction".into()
        }
    );
    let operation = Operation::parse("r#type", Vec::new()).unwrap();
    assert_eq!(operation.path, "/type");
    assert_eq!(operation.function, "TypeFunction");
    let operation = Operation::parse("_9lives", Vec::new()).unwrap();
    assert_eq!(operation.function, "Handler9livesFunction");
}

#[test]
fn operation_flags_in_both_spellings() {
    let operation = parse(&[
        "--path",
        "/users/{id}",
        "--method=get",
        "--function",
        "Users",
    ])
    .unwrap();
    assert_eq!(operation.path, "/users/{id}");
    assert_eq!(operation.method, "GET");
    assert_eq!(operation.function, "Users");
    assert_eq!(parse(&["--path=/"]).unwrap().path, "/");
}

#[test]
fn operation_flag_mistakes_are_explained() {
    let cases: [(&[&str], &str); 11] = [
        (
            &["--pth", "/x"],
            "unknown flag `--pth` after `--openapi`; expected `--path`, `--method` or `--function`",
        ),
        (&["-p"], "unknown flag `-p`"),
        (&["extra"], "unexpected argument `extra`"),
        (&["--path"], "`--path` needs a value"),
        (&["--path", "/a", "--path", "/b"], "`--path` is given twice"),
        (&["--path", "users"], "a path begins with `/`"),
        (&["--path", "/users/{proxy+}"], "no greedy"),
        (&["--path", "/a//b"], "no empty segment"),
        (
            &["--path", "/users/{id}/{id}"],
            "the path parameter `{id}` is given twice",
        ),
        (
            &["--method", "FETCH"],
            "`--method FETCH` is not one of GET, POST",
        ),
        (
            &["--function", "get-user"],
            "not a CloudFormation logical id",
        ),
    ];
    for (arguments, expected) in cases {
        let error = parse(arguments).unwrap_err();
        assert!(error.contains(expected), "{arguments:?}: {error}");
    }
    assert!(parse(&["--path", "/a{b}"]).is_err());
}

fn openapi(arguments: &[&str]) -> Value {
    let statuses = ErrorStatuses::new([404]).unwrap();
    document("get_user", &statuses, &parse(arguments).unwrap())
}

#[test]
fn the_document_maps_every_status_through_its_pattern() {
    let doc = openapi(&["--path", "/users/{id}", "--method", "GET"]);
    assert_eq!(doc["openapi"], "3.0.1");
    let operation = &doc["paths"]["/users/{id}"]["get"];
    assert_eq!(operation["operationId"], "get_user");
    assert_eq!(
        operation["parameters"],
        json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }])
    );
    let statuses: Vec<&String> = operation["responses"].as_object().unwrap().keys().collect();
    assert_eq!(statuses, ["200", "400", "404", "500", "504"]);

    let integration = &operation["x-amazon-apigateway-integration"];
    assert_eq!(integration["type"], "aws");
    assert_eq!(integration["httpMethod"], "POST");
    assert_eq!(integration["passthroughBehavior"], "never");
    assert_eq!(
        integration["uri"]["Fn::Sub"],
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetUserFunction.Arn}/invocations"
    );
    assert_eq!(
        integration["requestTemplates"]["application/json"],
        r#"{"id": "$util.escapeJavaScript($input.params('id')).replaceAll("\\'","'")"}"#
    );
    let responses = integration["responses"].as_object().unwrap();
    assert_eq!(responses["default"], json!({ "statusCode": "200" }));
    let patterns = ErrorStatuses::new([404]).unwrap().selection_patterns();
    assert_eq!(responses.len(), patterns.len() + 1);
    for SelectionPattern { status, pattern } in patterns {
        let response = &responses[&pattern];
        assert_eq!(response["statusCode"], status.to_string());
        assert_eq!(
            response["responseParameters"]["method.response.header.Content-Type"],
            "'application/problem+json'"
        );
        let template = response["responseTemplates"]["application/json"]
            .as_str()
            .unwrap();
        if status == 500 || status == 504 {
            let body: Value = serde_json::from_str(template).unwrap();
            assert_eq!(body["status"], status);
            assert_eq!(body["detail"], SERVER_ERROR_DETAIL);
            assert_eq!(body["requestId"], "$context.requestId");
            assert!(!template.contains("errorMessage"), "{template}");
        } else {
            assert!(
                template.starts_with(
                    "#set($problem = $input.path('$.errorMessage').substring(5).trim())#if($problem.matches('"
                ),
                "{template}"
            );
            // What the client gets otherwise: a problem built here, its detail the text after
            // the marker as a JSON string body.
            let (_, built) = template.split_once("#{else}").unwrap();
            let built = built.strip_suffix("#{end}").unwrap();
            let built = built.replace(
                r#"$util.escapeJavaScript($problem).replaceAll("\\'","'")"#,
                "after the marker",
            );
            let body: Value = serde_json::from_str(&built).unwrap();
            let title = if status == 400 {
                "Bad Request"
            } else {
                "Not Found"
            };
            assert_eq!(
                body,
                json!({ "type": "about:blank", "title": title, "status": status,
                        "detail": "after the marker", "requestId": "$context.requestId" })
            );
        }
        assert!(operation["responses"][status.to_string()]["headers"]["Content-Type"].is_object());
    }
}

#[test]
fn request_templates_follow_method_and_path_parameters() {
    let template = |arguments: &[&str]| {
        let doc = openapi(arguments);
        let (_, methods) = doc["paths"].as_object().unwrap().iter().next().unwrap();
        let (_, operation) = methods.as_object().unwrap().iter().next().unwrap();
        operation["x-amazon-apigateway-integration"]["requestTemplates"]["application/json"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(template(&[]), "$input.json('$')");
    assert_eq!(template(&["--method", "DELETE"]), "{}");
    assert_eq!(
        template(&["--method", "PUT", "--path", "/a/{x}/b/{y}"]),
        r#"{"x": "$util.escapeJavaScript($input.params('x')).replaceAll("\\'","'")", "y": "$util.escapeJavaScript($input.params('y')).replaceAll("\\'","'")", "body": $input.json('$')}"#
    );
}

#[test]
fn the_problem_in_a_message_escapes_quotes_and_backslashes_as_code_points() {
    let error = ApiError::not_found("say \"hi\" \\ o'brien\n");
    let text = problem_text(&error, "req-1");
    assert_eq!(
        text,
        r#"{"type":"about:blank","title":"Not Found","status":404,"detail":"say \u0022hi\u0022 \u005c o'brien\n","requestId":"req-1"}"#
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["detail"], "say \"hi\" \\ o'brien\n");
}

#[test]
fn the_problem_pattern_spells_the_glues_problem_with_any_detail() {
    let pattern = super::openapi::problem_pattern(418);
    assert!(
        pattern.ends_with(
            r#"\x7b"type":"about:blank","title":"I\x27m a teapot","status":418,"detail":"[^"\x00-\x1f]*","requestId":"[^"\x00-\x1f]*"\x7d"#
        ),
        "{pattern}"
    );
    assert!(
        !pattern.contains('\''),
        "it sits in a VTL single-quoted string: {pattern}"
    );
    // A 5xx problem's detail is the generic one, whatever the handler said.
    assert!(
        super::openapi::problem_pattern(503).contains(&format!(
            r#""detail":"{}""#,
            SERVER_ERROR_DETAIL
                .replace('.', r"\x2e")
                .replace(';', r"\x3b")
        )),
        "{}",
        super::openapi::problem_pattern(503)
    );
}
