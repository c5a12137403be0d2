//! Benchmark twin of `examples/apigw-rest-api`, written with lambda_runtime and
//! aws_lambda_events, without lambda-contract: API Gateway REST API (payload 1.0) events only.
//!
//! `GET /users/{id}`, `POST /users` and `DELETE /users/{id}`: 200, 201 and 204 for success;
//! 400, 415 and 422 for a malformed request; 404 and 409 from the handler; 405 for any other
//! route; and a 500 with a generic body when a dependency fails, its real error only logged.

use std::collections::BTreeMap;
use std::sync::Mutex;

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::header::CONTENT_TYPE;
use aws_lambda_events::http::{HeaderValue, Method, StatusCode};
use lambda_runtime::{service_fn, tracing, Error, LambdaEvent};
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
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::Rejected(status, detail.into())
    }
}

impl From<Unavailable> for ApiError {
    fn from(error: Unavailable) -> Self {
        ApiError::Failed(Box::new(error))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        ApiError::Failed(Box::new(error))
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

fn response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = i64::from(status.as_u16());
    response
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.body = Some(Body::Text(body));
    response
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<ApiGatewayProxyResponse, ApiError> {
    Ok(response(
        status,
        "application/json",
        serde_json::to_string(value)?,
    ))
}

fn problem(status: StatusCode, detail: &str, request_id: &str) -> ApiGatewayProxyResponse {
    let body = serde_json::to_string(&Problem {
        type_: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        request_id,
    })
    .unwrap_or_default();
    response(status, "application/problem+json", body)
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
fn json_body<T: DeserializeOwned>(request: &ApiGatewayProxyRequest) -> Result<T, ApiError> {
    let unsupported = |got: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("expected a JSON body with `content-type: application/json`, got {got}"),
        )
    };
    match request.headers.get(CONTENT_TYPE).map(HeaderValue::to_str) {
        Some(Ok(content_type)) if is_json(content_type) => {}
        Some(Ok(content_type)) => return Err(unsupported(&format!("`{content_type}`"))),
        Some(Err(_)) => return Err(unsupported("a `content-type` that is not text")),
        None => return Err(unsupported("no `content-type`")),
    }
    serde_json::from_str(request.body.as_deref().unwrap_or_default()).map_err(|error| {
        match error.classify() {
            serde_json::error::Category::Data => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the request body does not have the expected shape: {error}"),
            ),
            _ => ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("the request body is not valid JSON: {error}"),
            ),
        }
    })
}

async fn route(
    request: &ApiGatewayProxyRequest,
    users: &Users,
) -> Result<ApiGatewayProxyResponse, ApiError> {
    let path = request.path.as_deref().unwrap_or_default();
    // A route `/users/{id}` gives `id`; without one, read it off the path.
    let id = request
        .path_parameters
        .get("id")
        .map(String::as_str)
        .or_else(|| {
            path.strip_prefix("/users/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
        });
    match (&request.http_method, id) {
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
            let mut response = ApiGatewayProxyResponse::default();
            response.status_code = i64::from(StatusCode::NO_CONTENT.as_u16());
            Ok(response)
        }
        (method, _) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not supported on {path}"),
        )),
    }
}

async fn handler(
    event: LambdaEvent<ApiGatewayProxyRequest>,
    users: &Users,
) -> Result<ApiGatewayProxyResponse, Error> {
    let (request, context) = event.into_parts();
    let error = match route(&request, users).await {
        Ok(response) => return Ok(response),
        Err(error) => error,
    };
    let request_id = request
        .request_context
        .request_id
        .as_deref()
        .unwrap_or(&context.request_id);
    let method = &request.http_method;
    let path = request.path.as_deref().unwrap_or_default();
    Ok(match error {
        ApiError::Rejected(status, detail) => {
            tracing::info!(request_id, %method, path, status = status.as_u16(), %detail, "request rejected");
            problem(status, &detail, request_id)
        }
        ApiError::Failed(error) => {
            tracing::error!(
                request_id,
                lambda_request_id = %context.request_id,
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
    })
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let users = connect().await?;
    let users = &users;
    lambda_runtime::run(service_fn(move |event| handler(event, users))).await
}
