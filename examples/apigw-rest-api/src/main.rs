//! A users resource behind an API Gateway or ALB proxy integration: one function for
//! `GET /users/{id}`, `POST /users` and `DELETE /users/{id}`.
//!
//! Every outcome is an honest envelope: 200, 201 and 204 for success; 400, 415 and 422 when
//! the request is malformed (answered by the extractors before this code runs); 404 and 409
//! from the handler; and a 500 with a generic body when a dependency fails, its real error
//! logged with the request id.
//!
//! Run it on a sample event, from the repository root:
//! `cargo run -p apigw-rest-api -- examples/apigw-rest-api/events/v1-get-user.json`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use lambda_contract::apigw::{ApiError, IntoResponse, Json, Method, Request, Response, StatusCode};
use lambda_contract::apigw_proxy;
use serde::{Deserialize, Serialize};

/// A user as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    id: String,
    name: String,
    email: String,
}

/// What `POST /users` takes.
#[derive(Debug, Deserialize)]
pub struct NewUser {
    id: String,
    name: String,
    email: String,
}

/// Stands in for a database client, built once per sandbox by `init`.
pub struct Users {
    rows: Mutex<BTreeMap<String, User>>,
}

/// The error a real client would return when the database is unreachable.
#[derive(Debug)]
pub struct Unavailable(&'static str);

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

#[apigw_proxy(init = connect)]
async fn users(request: Request, users: &Users) -> Result<Response, ApiError> {
    // A route `/users/{id}` gives `id`; a function URL has no routes, so read it off the path.
    let id = request
        .path_param("id")
        .or_else(|| {
            request
                .path()
                .strip_prefix("/users/")
                .filter(|id| !id.is_empty() && !id.contains('/'))
        })
        .map(str::to_owned);
    match (request.method().clone(), id) {
        (Method::GET, Some(id)) => {
            let user = users
                .get(&id)
                .await?
                .ok_or_else(|| ApiError::not_found(format!("no user `{id}`")))?;
            Ok(Json(user).into_response())
        }
        (Method::POST, None) => {
            let new: NewUser = request.json()?;
            if new.name.trim().is_empty() {
                return Err(ApiError::bad_request("`name` must not be empty"));
            }
            let user = User {
                id: new.id,
                name: new.name,
                email: new.email,
            };
            if !users.insert(user.clone()).await? {
                return Err(ApiError::conflict(format!(
                    "user `{}` already exists",
                    user.id
                )));
            }
            Ok((StatusCode::CREATED, Json(user)).into_response())
        }
        (Method::DELETE, Some(id)) => {
            if !users.delete(&id).await? {
                return Err(ApiError::not_found(format!("no user `{id}`")));
            }
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (method, _) => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not supported on {}", request.path()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_contract::testing::invoke;
    use serde_json::{json, Value};

    fn v2(method: &str, path: &str, id: Option<&str>, body: Option<&str>) -> Value {
        json!({
            "version": "2.0",
            "routeKey": "ANY /users/{id}",
            "rawPath": path,
            "rawQueryString": "",
            "headers": { "content-type": "application/json" },
            "pathParameters": id.map(|id| json!({ "id": id })),
            "requestContext": {
                "http": { "method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test" },
                "requestId": "test-request"
            },
            "body": body,
            "isBase64Encoded": false
        })
    }

    #[tokio::test]
    async fn behind_a_function_url_the_id_comes_from_the_path() {
        let out = invoke(&users_lambda(), v2("GET", "/users/ada", None, None))
            .await
            .unwrap();
        assert_eq!(out["statusCode"], 200, "{out}");
        let out = invoke(&users_lambda(), v2("GET", "/users/ada/extra", None, None))
            .await
            .unwrap();
        assert_eq!(out["statusCode"], 405, "{out}");
    }

    #[tokio::test]
    async fn each_outcome_has_its_honest_status() {
        let glue = users_lambda();
        let status = |out: &Value| out["statusCode"].as_u64().unwrap();

        let out = invoke(&glue, v2("GET", "/users/ada", Some("ada"), None))
            .await
            .unwrap();
        assert_eq!(status(&out), 200);

        let out = invoke(&glue, v2("GET", "/users/bob", Some("bob"), None))
            .await
            .unwrap();
        assert_eq!(status(&out), 404);

        let body = r#"{"id":"bob","name":"Bob","email":"bob@example.com"}"#;
        let out = invoke(&glue, v2("POST", "/users", None, Some(body)))
            .await
            .unwrap();
        assert_eq!(status(&out), 201);
        let out = invoke(&glue, v2("POST", "/users", None, Some(body)))
            .await
            .unwrap();
        assert_eq!(status(&out), 409);

        let out = invoke(&glue, v2("POST", "/users", None, Some("{")))
            .await
            .unwrap();
        assert_eq!(status(&out), 400);

        let out = invoke(&glue, v2("DELETE", "/users/bob", Some("bob"), None))
            .await
            .unwrap();
        assert_eq!(status(&out), 204);

        let out = invoke(&glue, v2("GET", "/users/outage", Some("outage"), None))
            .await
            .unwrap();
        assert_eq!(status(&out), 500);
        assert!(
            !out["body"].as_str().unwrap().contains("10.0.3.7"),
            "internal text leaked: {out}"
        );
    }
}
