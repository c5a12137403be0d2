//! Benchmark twin of `examples/apigw-rest-api`, written with lambda_http, without
//! lambda-contract: every event format lambda_http handles (API Gateway REST and HTTP APIs,
//! function URLs, ALB, VPC Lattice, WebSocket).
//!
//! `GET /users/{id}`, `POST /users` and `DELETE /users/{id}`: 200, 201 and 204 for success;
//! 400, 415 and 422 for a malformed request; 404 and 409 from the handler; 405 for any other
//! route; and a 500 with a generic body when a dependency fails, its real error only logged.

use std::collections::BTreeMap;
use std::sync::Mutex;

use lambda_http::ext::request::JsonPayloadError;
use lambda_http::http::header::CONTENT_TYPE;
use lambda_http::http::{Method, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{
    service_fn, tracing, Body, Error, Request, RequestExt, RequestPayloadExt, Response,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A user as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct User {
    id: String,
    name: String,
    email: String,
}

/// What `POST /users` takes.
#[derive(Debug, Deserialize)]
struct NewUser {
    id: String,
    name: String,
    email: String,
}

/// Stands in for a database client, built once per sandbox before `run`.
struct Users {
    rows: Mutex<BTreeMap<String, User>>,
}

/// The error a real client would return when the database is unreachable.
#[derive(Debug)]
struct Unavailable(&'static str);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "users table unavailable: {}", self.0)
    }
}

impl std::error::Error for Unavailable {}

impl Users {
    fn check(&self, id: &str) -> Result<(), Unavailable> {
        // A reserved id simulates the database failing, to show what a 500 looks like.
        if id == "outage" {
            return Err(Unavailable("connection reset by 10.0.3.7:5432"));
        }
        Ok(())
    }

    async fn get(&self, id: &str) -> Result<Option<User>, Unavailable> {
        self.check(id)?;
        Ok(self
            .rows
            .lock()
            .map_err(|_| Unavailable("lock poisoned"))?
            .get(id)
            .cloned())
    }

    async fn insert(&self, user: User) -> Result<bool, Unavailable> {
        self.check(&user.id)?;
        let mut rows = self.rows.lock().map_err(|_| Unavailable("lock poisoned"))?;
        if rows.contains_key(&user.id) {
            return Ok(false);
        }
        rows.insert(user.id.clone(), user);
        Ok(true)
    }

    async fn delete(&self, id: &str) -> Result<bool, Unavailable> {
        self.check(id)?;
        Ok(self
            .rows
            .lock()
            .map_err(|_| Unavailable("lock poisoned"))?
            .remove(id)
            .is_some())
    }
}

async fn connect() -> Result<Users, Unavailable> {
    let ada = User {
        id: "ada".into(),
        name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
    };
    Ok(Users {
        rows: Mutex::new(BTreeMap::from([(ada.id.clone(), ada)])),
    })
}

/// Why a request did not succeed: a rejection the client may read, or a failure it may not.
enum ApiError {
    Rejected(StatusCode, String),
    Failed(Error),
}

impl ApiError {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::Rejected(status, detail.into())
    }
}

impl<E: Into<Error>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError::Failed(error.into())
    }
}

/// An RFC 9457 problem, the body of every error response.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    type_: &'static str,
    title: &'static str,
    status: u16,
    detail: &'a str,
    request_id: &'a str,
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Response<Body>, ApiError> {
    Ok(Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(serde_json::to_string(value)?.into())?)
}

fn problem(status: StatusCode, detail: &str, request_id: &str) -> Result<Response<Body>, Error> {
    let body = serde_json::to_string(&Problem {
        type_: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        request_id,
    })?;
    Ok(Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/problem+json")
        .body(body.into())?)
}

/// `application/json` or `application/*+json`, parameters (`; charset=utf-8`) allowed.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, subtype)) => {
            kind.eq_ignore_ascii_case("application")
                && (subtype.eq_ignore_ascii_case("json")
                    || subtype
                        .rsplit_once('+')
                        .is_some_and(|(_, suffix)| suffix.eq_ignore_ascii_case("json")))
        }
        None => false,
    }
}

/// The body as JSON: 415 without a JSON `content-type`, 400 if not JSON, 422 if the wrong shape.
fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let unsupported = |got: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("expected a JSON body with `content-type: application/json`, got {got}"),
        )
    };
    match request
        .headers()
        .get(CONTENT_TYPE)
        .map(|value| value.to_str())
    {
        Some(Ok(content_type)) if is_json(content_type) => {}
        Some(Ok(content_type)) => return Err(unsupported(&format!("`{content_type}`"))),
        Some(Err(_)) => return Err(unsupported("a `content-type` that is not text")),
        None => return Err(unsupported("no `content-type`")),
    }
    match request.json::<T>() {
        Ok(Some(value)) => Ok(value),
        Ok(None) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the request body is not valid JSON: it is empty",
        )),
        Err(JsonPayloadError::Parsing(error))
            if error.classify() == serde_json::error::Category::Data =>
        {
            Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the request body does not have the expected shape: {error}"),
            ))
        }
        Err(JsonPayloadError::Parsing(error)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the request body is not valid JSON: {error}"),
        )),
        Err(error) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the request body is not valid JSON: {error:?}"),
        )),
    }
}

async fn route(request: &Request, users: &Users) -> Result<Response<Body>, ApiError> {
    // A route `/users/{id}` gives `id`; a function URL has no routes, so read it off the path.
    let id = request
        .path_parameters_ref()
        .and_then(|params| params.first("id"))
        .or_else(|| {
            request
                .raw_http_path()
                .strip_prefix("/users/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
        });
    match (request.method(), id) {
        (&Method::GET, Some(id)) => {
            let user = users
                .get(id)
                .await?
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("no user `{id}`")))?;
            json(StatusCode::OK, &user)
        }
        (&Method::POST, None) => {
            let new: NewUser = json_body(request)?;
            if new.name.trim().is_empty() {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "`name` must not be empty",
                ));
            }
            let user = User {
                id: new.id,
                name: new.name,
                email: new.email,
            };
            if !users.insert(user.clone()).await? {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("user `{}` already exists", user.id),
                ));
            }
            json(StatusCode::CREATED, &user)
        }
        (&Method::DELETE, Some(id)) => {
            if !users.delete(id).await? {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("no user `{id}`"),
                ));
            }
            Ok(Response::builder()
                .status(StatusCode::NO_CONTENT)
                .body(Body::Empty)?)
        }
        (method, _) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not supported on {}", request.raw_http_path()),
        )),
    }
}

/// The trigger's request id (what the client sees), else the Lambda invocation's.
fn request_id(request: &Request) -> &str {
    let from_trigger = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.as_deref(),
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.as_deref(),
        Some(RequestContext::WebSocket(context)) => context.request_id.as_deref(),
        _ => None,
    };
    from_trigger
        .or_else(|| {
            request
                .lambda_context_ref()
                .map(|context| context.request_id.as_str())
        })
        .unwrap_or_default()
}

async fn handler(request: Request, users: &Users) -> Result<Response<Body>, Error> {
    let error = match route(&request, users).await {
        Ok(response) => return Ok(response),
        Err(error) => error,
    };
    let request_id = request_id(&request);
    let method = request.method();
    let path = request.raw_http_path();
    match error {
        ApiError::Rejected(status, detail) => {
            tracing::info!(request_id, %method, path, status = status.as_u16(), %detail, "request rejected");
            problem(status, &detail, request_id)
        }
        ApiError::Failed(error) => {
            tracing::error!(
                request_id,
                %method,
                path,
                %error,
                "request failed; the client gets a 500 problem without the error's text"
            );
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The server could not complete the request; quote the requestId when reporting it.",
                request_id,
            )
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let users = connect().await?;
    let users = &users;
    lambda_http::run(service_fn(move |request| handler(request, users))).await
}
