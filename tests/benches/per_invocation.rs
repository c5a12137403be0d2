//! Per invocation: raw event bytes in, response bytes out, with a trivial handler body.
//!
//! Each group runs the same event through:
//! - `ours`: the glue `#[connect_handler]` / `#[apigw_proxy]` generate (`<name>_lambda()`),
//!   through `lambda_contract::testing::invoke_raw`, then serialized as `lambda_runtime` posts
//!   it (`serde_json::to_vec`);
//! - `hand_written`: `lambda_runtime` + `aws_lambda_events` as their docs show:
//!   `serde_json::from_slice::<aws_lambda_events::..>`, a `LambdaEvent`, the handler, the
//!   response struct and `serde_json::to_vec`;
//! - `lambda_http` (API Gateway only): what `lambda_http::run` does for every invocation:
//!   `LambdaRequest` deserialization, its `Adapter` (conversion into an `http::Request`, the
//!   handler, `IntoResponse`, `LambdaResponse`) and `serde_json::to_vec`.
//!
//! Every variant is an async function driven by the same current-thread tokio runtime (in
//! Lambda every handler is a future the runtime polls) and gets the same `Context`. Before
//! measuring, the variants' responses are checked to carry the same status and body.
//!
//! `cargo bench -p lambda-contract-tests --bench per_invocation`; the comparison table comes
//! from `cargo run --release -p lambda-contract-tests --bin bench` (see BENCHMARKS.md). With
//! `LAMBDA_CONTRACT_BENCH_PROFILE=<group>/<variant>` and `LAMBDA_CONTRACT_BENCH_ITERATIONS=N`
//! the binary runs that variant N times and exits, for callgrind. With
//! `LAMBDA_CONTRACT_BENCH_ROUNDS=N` it runs N interleaved rounds instead of criterion: in each
//! round every variant of a group runs one batch of about 20 ms, in an order that rotates
//! from round to round, and one line per batch is printed (`group variant round ns`). The
//! comparison table takes its ratios from these rounds, each round's ratio from batches run
//! back to back, so the machine's drift touches both sides of it.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::Criterion;
use lambda_runtime::{Context, LambdaEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::runtime::Runtime;

const CONNECT_VOICE: &[u8] = include_bytes!("events/connect-voice.json");
const V1_GET: &[u8] = include_bytes!("events/v1-get.json");
const V1_POST: &[u8] = include_bytes!("events/v1-post.json");
const V2_GET: &[u8] = include_bytes!("events/v2-get.json");
const V2_POST: &[u8] = include_bytes!("events/v2-post.json");

// ---- what every variant answers ------------------------------------------------------------

/// `GET /users/{id}?fields=..`: the user, with the fields asked for.
#[derive(Debug, Serialize)]
struct User {
    id: String,
    name: &'static str,
    email: &'static str,
    fields: Option<String>,
}

fn user(id: &str, fields: Option<&str>) -> User {
    User {
        id: id.to_owned(),
        name: "Ada Lovelace",
        email: "ada@example.com",
        fields: fields.map(str::to_owned),
    }
}

/// `POST /users`: the body every variant deserializes (about 1 KB of JSON).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // read by serde; the handlers use a few fields
struct NewUser {
    id: String,
    name: String,
    email: String,
    phone: String,
    locale: String,
    timezone: String,
    address: Address,
    preferences: Preferences,
    roles: Vec<String>,
    tags: Vec<String>,
    bio: String,
    referrer: Option<String>,
    marketing_consent: bool,
    signup_source: String,
    invite_code: Option<String>,
    metadata: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Address {
    line1: String,
    line2: Option<String>,
    city: String,
    region: String,
    postal_code: String,
    country: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Preferences {
    newsletter: bool,
    theme: String,
    notifications: HashMap<String, bool>,
}

/// What `POST /users` answers, with 201.
#[derive(Debug, Serialize)]
struct Created {
    id: String,
    name: String,
    roles: usize,
}

fn created(new: NewUser) -> Created {
    Created {
        id: new.id,
        name: new.name,
        roles: new.roles.len(),
    }
}

// ---- ours: the real macros -----------------------------------------------------------------

mod ours {
    pub mod connect {
        use lambda_contract::connect::ConnectEvent;
        use lambda_contract::{connect_handler, ConnectResponse, Error};
        use serde::Serialize;

        #[derive(Serialize, ConnectResponse)]
        #[serde(rename_all = "camelCase")]
        pub struct Account {
            account_id: String,
            tier: &'static str,
            balance_cents: i64,
            vip: bool,
        }

        #[connect_handler]
        pub async fn lookup(event: ConnectEvent) -> Result<Option<Account>, Error> {
            let phone = event.parameter("phone")?;
            Ok(Some(Account {
                account_id: format!("A-{}", &phone[phone.len().saturating_sub(4)..]),
                tier: "gold",
                balance_cents: 125_000,
                vip: true,
            }))
        }
    }

    pub mod get {
        use lambda_contract::apigw::{ApiError, Json, Path, Query};
        use lambda_contract::apigw_proxy;
        use serde::Deserialize;

        #[derive(Deserialize)]
        pub struct UserId {
            id: String,
        }

        #[derive(Deserialize)]
        pub struct Fields {
            fields: Option<String>,
        }

        #[apigw_proxy]
        pub async fn get_user(
            Path(path): Path<UserId>,
            Query(query): Query<Fields>,
        ) -> Result<Json<crate::User>, ApiError> {
            Ok(Json(crate::user(&path.id, query.fields.as_deref())))
        }
    }

    pub mod post {
        use lambda_contract::apigw::{ApiError, Json, StatusCode};
        use lambda_contract::apigw_proxy;

        #[apigw_proxy]
        pub async fn create_user(
            Json(new): Json<crate::NewUser>,
        ) -> Result<(StatusCode, Json<crate::Created>), ApiError> {
            Ok((StatusCode::CREATED, Json(crate::created(new))))
        }
    }
}

// ---- hand-written: lambda_runtime + aws_lambda_events --------------------------------------

mod hand_written {
    use aws_lambda_events::apigw::{
        ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest,
        ApiGatewayV2httpResponse,
    };
    use aws_lambda_events::connect::ConnectEvent;
    use aws_lambda_events::encodings::Body;
    use aws_lambda_events::http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
    use lambda_runtime::{Error, LambdaEvent};
    use serde::Serialize;

    /// Connect's STRING_MAP: every value a string, `found` first.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AccountResponse {
        found: &'static str,
        account_id: String,
        tier: &'static str,
        balance_cents: String,
        vip: String,
    }

    pub async fn connect(event: LambdaEvent<ConnectEvent>) -> Result<AccountResponse, Error> {
        let phone = event
            .payload
            .details
            .parameters
            .get("phone")
            .ok_or("missing parameter `phone`")?;
        Ok(AccountResponse {
            found: "true",
            account_id: format!("A-{}", &phone[phone.len().saturating_sub(4)..]),
            tier: "gold",
            balance_cents: 125_000_i64.to_string(),
            vip: true.to_string(),
        })
    }

    /// The same handler on this crate's `ConnectEvent`, which decodes every field Connect
    /// documents (aws_lambda_events' skips `MediaStreams`, `SegmentAttributes`, `Tags`, ..):
    /// the difference from `ours` is what the glue itself costs.
    pub async fn connect_our_event(
        event: LambdaEvent<lambda_contract::connect::ConnectEvent>,
    ) -> Result<AccountResponse, Error> {
        let phone = event.payload.parameter("phone")?;
        Ok(AccountResponse {
            found: "true",
            account_id: format!("A-{}", &phone[phone.len().saturating_sub(4)..]),
            tier: "gold",
            balance_cents: 125_000_i64.to_string(),
            vip: true.to_string(),
        })
    }

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers
    }

    fn v1_response(status: i64, body: String) -> ApiGatewayProxyResponse {
        let mut response = ApiGatewayProxyResponse::default();
        response.status_code = status;
        response.headers = json_headers();
        response.body = Some(Body::Text(body));
        response
    }

    fn v2_response(status: i64, body: String) -> ApiGatewayV2httpResponse {
        let mut response = ApiGatewayV2httpResponse::default();
        response.status_code = status;
        response.headers = json_headers();
        response.body = Some(Body::Text(body));
        response
    }

    fn bad_request(error: impl std::fmt::Display) -> (i64, String) {
        (
            400,
            serde_json::json!({ "message": error.to_string() }).to_string(),
        )
    }

    pub async fn v1_get(
        event: LambdaEvent<ApiGatewayProxyRequest>,
    ) -> Result<ApiGatewayProxyResponse, Error> {
        let request = event.payload;
        let id = request.path_parameters.get("id").ok_or("no `id`")?;
        let fields = request.query_string_parameters.first("fields");
        let body = serde_json::to_string(&crate::user(id, fields))?;
        Ok(v1_response(200, body))
    }

    pub async fn v1_post(
        event: LambdaEvent<ApiGatewayProxyRequest>,
    ) -> Result<ApiGatewayProxyResponse, Error> {
        let body = event.payload.body.unwrap_or_default();
        let (status, body) = match serde_json::from_str::<crate::NewUser>(&body) {
            Ok(new) => (201, serde_json::to_string(&crate::created(new))?),
            Err(error) => bad_request(error),
        };
        Ok(v1_response(status, body))
    }

    pub async fn v2_get(
        event: LambdaEvent<ApiGatewayV2httpRequest>,
    ) -> Result<ApiGatewayV2httpResponse, Error> {
        let request = event.payload;
        let id = request.path_parameters.get("id").ok_or("no `id`")?;
        let fields = request.query_string_parameters.first("fields");
        let body = serde_json::to_string(&crate::user(id, fields))?;
        Ok(v2_response(200, body))
    }

    pub async fn v2_post(
        event: LambdaEvent<ApiGatewayV2httpRequest>,
    ) -> Result<ApiGatewayV2httpResponse, Error> {
        let body = event.payload.body.unwrap_or_default();
        let (status, body) = match serde_json::from_str::<crate::NewUser>(&body) {
            Ok(new) => (201, serde_json::to_string(&crate::created(new))?),
            Err(error) => bad_request(error),
        };
        Ok(v2_response(status, body))
    }
}

// ---- lambda_http -----------------------------------------------------------------------------

mod with_lambda_http {
    use lambda_http::{Body, Error, Request, RequestExt, RequestPayloadExt, Response};

    pub async fn get(request: Request) -> Result<Response<Body>, Error> {
        let id = request
            .path_parameters_ref()
            .and_then(|params| params.first("id"))
            .ok_or("no `id`")?;
        let fields = request
            .query_string_parameters_ref()
            .and_then(|query| query.first("fields"));
        let body = serde_json::to_string(&crate::user(id, fields))?;
        Ok(Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.into())?)
    }

    pub async fn post(request: Request) -> Result<Response<Body>, Error> {
        let (status, body) = match request.payload::<crate::NewUser>() {
            Ok(Some(new)) => (201, serde_json::to_string(&crate::created(new))?),
            Ok(None) => (400, r#"{"message":"no body"}"#.to_owned()),
            Err(error) => (
                400,
                serde_json::json!({ "message": error.to_string() }).to_string(),
            ),
        };
        Ok(Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(body.into())?)
    }
}

// ---- the variants, bytes in and bytes out --------------------------------------------------

/// One way to answer an event: bytes in, the bytes lambda_runtime would post out.
type Variant = Box<dyn FnMut(&Runtime, &[u8], &Context) -> Vec<u8>>;

fn ours<H: lambda_contract::Handler>(glue: H) -> Variant {
    Box::new(move |runtime, bytes, context| {
        runtime.block_on(async {
            match lambda_contract::testing::invoke_raw(&glue, bytes, context.clone()).await {
                Ok(raw) => serde_json::to_vec(&raw).expect("a response serializes"),
                Err(diagnostic) => serde_json::to_vec(&diagnostic).expect("an error serializes"),
            }
        })
    })
}

/// A hand-written `lambda_runtime` handler: `from_slice` into the aws_lambda_events type, the
/// handler, `to_vec` of its response.
macro_rules! hand_written {
    ($event:ty, $handler:path) => {
        Box::new(|runtime: &Runtime, bytes: &[u8], context: &Context| {
            runtime.block_on(async {
                let payload: $event = serde_json::from_slice(bytes).expect("the event decodes");
                let event = LambdaEvent::new(payload, context.clone());
                let response = $handler(event).await.expect("the handler succeeds");
                serde_json::to_vec(&response).expect("a response serializes")
            })
        }) as Variant
    };
}

/// What `lambda_http::run` does for each invocation, through its own `Adapter`.
fn with_lambda_http<F, Fut>(handler: F) -> Variant
where
    F: Fn(lambda_http::Request) -> Fut + Send + 'static,
    Fut: std::future::Future<
            Output = Result<lambda_http::Response<lambda_http::Body>, lambda_http::Error>,
        > + Send
        + 'static,
{
    use lambda_http::Service;
    let mut adapter = lambda_http::Adapter::from(lambda_http::service_fn(handler));
    Box::new(move |runtime, bytes, context| {
        runtime.block_on(async {
            let request: lambda_http::request::LambdaRequest =
                serde_json::from_slice(bytes).expect("the event decodes");
            let response = adapter
                .call(LambdaEvent::new(request, context.clone()))
                .await
                .expect("the handler succeeds");
            serde_json::to_vec(&response).expect("a response serializes")
        })
    })
}

struct Group {
    name: &'static str,
    event: &'static [u8],
    variants: Vec<(&'static str, Variant)>,
}

fn groups() -> Vec<Group> {
    use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayV2httpRequest};
    use aws_lambda_events::connect::ConnectEvent;
    vec![
        Group {
            name: "connect",
            event: CONNECT_VOICE,
            variants: vec![
                ("ours", ours(ours::connect::lookup_lambda())),
                (
                    "hand_written",
                    hand_written!(ConnectEvent, hand_written::connect),
                ),
                (
                    "hand_written_our_event",
                    hand_written!(
                        lambda_contract::connect::ConnectEvent,
                        hand_written::connect_our_event
                    ),
                ),
            ],
        },
        Group {
            name: "apigw_v1_get",
            event: V1_GET,
            variants: vec![
                ("ours", ours(ours::get::get_user_lambda())),
                (
                    "hand_written",
                    hand_written!(ApiGatewayProxyRequest, hand_written::v1_get),
                ),
                ("lambda_http", with_lambda_http(with_lambda_http::get)),
            ],
        },
        Group {
            name: "apigw_v1_post",
            event: V1_POST,
            variants: vec![
                ("ours", ours(ours::post::create_user_lambda())),
                (
                    "hand_written",
                    hand_written!(ApiGatewayProxyRequest, hand_written::v1_post),
                ),
                ("lambda_http", with_lambda_http(with_lambda_http::post)),
            ],
        },
        Group {
            name: "apigw_v2_get",
            event: V2_GET,
            variants: vec![
                ("ours", ours(ours::get::get_user_lambda())),
                (
                    "hand_written",
                    hand_written!(ApiGatewayV2httpRequest, hand_written::v2_get),
                ),
                ("lambda_http", with_lambda_http(with_lambda_http::get)),
            ],
        },
        Group {
            name: "apigw_v2_post",
            event: V2_POST,
            variants: vec![
                ("ours", ours(ours::post::create_user_lambda())),
                (
                    "hand_written",
                    hand_written!(ApiGatewayV2httpRequest, hand_written::v2_post),
                ),
                ("lambda_http", with_lambda_http(with_lambda_http::post)),
            ],
        },
    ]
}

/// The context lambda_runtime builds from the `/next` response's headers.
fn context() -> Context {
    let mut context = Context::default();
    context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd".to_owned();
    context.deadline = (SystemTime::now() + Duration::from_secs(900))
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis() as u64)
        .unwrap_or(0);
    context.invoked_function_arn =
        "arn:aws:lambda:us-east-1:111122223333:function:bench".to_owned();
    context.xray_trace_id = Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1".to_owned());
    context
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// What a response says, for the check that every variant does the same work: the status
/// (or Connect's whole object) and the body, parsed.
fn meaning(bytes: &[u8]) -> (Value, Value) {
    let envelope: Value = serde_json::from_slice(bytes).expect("the response is JSON");
    match envelope.get("statusCode") {
        Some(status) => {
            let body = envelope["body"].as_str().unwrap_or_default();
            let body = serde_json::from_str(body).unwrap_or(Value::Null);
            (status.clone(), body)
        }
        None => (Value::Null, envelope),
    }
}

fn check(runtime: &Runtime, context: &Context, groups: &mut [Group]) {
    for group in groups {
        let mut seen: Option<(&str, (Value, Value))> = None;
        for (name, variant) in &mut group.variants {
            let answer = meaning(&variant(runtime, group.event, context));
            assert!(
                answer.0 == Value::Null || answer.0.as_u64().is_some_and(|s| s < 300),
                "{}/{name} failed: {answer:?}",
                group.name
            );
            match &seen {
                None => seen = Some((name, answer)),
                Some((first, expected)) => assert_eq!(
                    &answer, expected,
                    "{}: {name} and {first} answer differently",
                    group.name
                ),
            }
        }
    }
}

fn main() {
    let runtime = runtime();
    let context = context();
    let mut groups = groups();
    check(&runtime, &context, &mut groups);

    if let Ok(target) = std::env::var("LAMBDA_CONTRACT_BENCH_PROFILE") {
        let iterations: usize = std::env::var("LAMBDA_CONTRACT_BENCH_ITERATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000);
        let (group_name, variant_name) = target
            .split_once('/')
            .expect("LAMBDA_CONTRACT_BENCH_PROFILE is <group>/<variant>");
        let group = groups
            .iter_mut()
            .find(|group| group.name == group_name)
            .unwrap_or_else(|| panic!("no group `{group_name}`"));
        let event = group.event;
        let (_, variant) = group
            .variants
            .iter_mut()
            .find(|(name, _)| *name == variant_name)
            .unwrap_or_else(|| panic!("no variant `{variant_name}` in `{group_name}`"));
        for _ in 0..iterations {
            black_box(variant(&runtime, black_box(event), &context));
        }
        return;
    }

    if let Ok(rounds) = std::env::var("LAMBDA_CONTRACT_BENCH_ROUNDS") {
        let rounds: usize = rounds
            .parse()
            .expect("LAMBDA_CONTRACT_BENCH_ROUNDS is a number of rounds");
        interleaved(&runtime, &context, &mut groups, rounds);
        return;
    }

    let mut criterion = Criterion::default().configure_from_args();
    for group in &mut groups {
        let mut benchmark = criterion.benchmark_group(group.name);
        for (name, variant) in &mut group.variants {
            let event = group.event;
            benchmark.bench_function(*name, |bencher| {
                bencher.iter(|| variant(&runtime, black_box(event), &context))
            });
        }
        benchmark.finish();
    }
    criterion.final_summary();
}

/// The time of one batch of each variant, per round; see the module's documentation.
fn interleaved(runtime: &Runtime, context: &Context, groups: &mut [Group], rounds: usize) {
    const BATCH: Duration = Duration::from_millis(20);
    for group in groups {
        let event = group.event;
        // Warm-up and calibration: iterations per batch for each variant.
        let batches: Vec<u32> = group
            .variants
            .iter_mut()
            .map(|(_, variant)| {
                let started = Instant::now();
                let mut iterations = 0_u32;
                while started.elapsed() < BATCH * 2 {
                    black_box(variant(runtime, black_box(event), context));
                    iterations += 1;
                }
                (iterations / 2).max(1)
            })
            .collect();
        let count = group.variants.len();
        for round in 0..rounds {
            for k in 0..count {
                let index = (round + k) % count;
                let (name, variant) = &mut group.variants[index];
                let started = Instant::now();
                for _ in 0..batches[index] {
                    black_box(variant(runtime, black_box(event), context));
                }
                let nanos = started.elapsed().as_nanos() as f64 / f64::from(batches[index]);
                println!("{} {name} {round} {nanos:.1}", group.name);
            }
        }
    }
}
