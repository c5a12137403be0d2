//! A user lookup behind an API Gateway REST API *custom* (non-proxy) integration.
//!
//! The handler declares the statuses it fails with, `errors(400, 404)`; every failure leaves
//! the function as a Lambda error whose `errorMessage` begins with its `[NNN]` marker, and
//! `apigw-custom-integration --openapi` prints the integration responses that map those
//! markers (`openapi.json`, which `template.yaml` deploys). A failure that is not declared
//! (the `locked` user's 403, the database outage) is a generic 500, its text logged with the
//! request id; Lambda's own timeout is a 504. None reaches the client as 200.
//!
//! Run it on a sample event, from the repository root:
//! `cargo run -p apigw-custom-integration -- examples/apigw-custom-integration/events/found.json`.

use std::collections::BTreeMap;

use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;
use serde::{Deserialize, Serialize};

/// What the request mapping template gives the function: the path parameter `id`.
#[derive(Debug, Deserialize)]
pub struct GetUser {
    id: String,
}

/// A user as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    id: String,
    name: String,
    email: String,
}

/// Stands in for a database client, built once per sandbox by `init`.
pub struct Users {
    rows: BTreeMap<String, User>,
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
    async fn get(&self, id: &str) -> Result<Option<User>, Unavailable> {
        // A reserved id simulates the database failing, to show what a 500 looks like.
        if id == "outage" {
            return Err(Unavailable("connection reset by 10.0.3.7:5432"));
        }
        Ok(self.rows.get(id).cloned())
    }
}

async fn connect() -> Result<Users, Unavailable> {
    let ada = User {
        id: "ada".into(),
        name: "Ada Lovelace".into(),
        email: "ada@example.com".into(),
    };
    Ok(Users {
        rows: BTreeMap::from([(ada.id.clone(), ada)]),
    })
}

#[apigw_custom(errors(400, 404), init = connect)]
async fn get_user(input: GetUser, users: &Users) -> Result<User, ApiError> {
    let id = input.id.trim();
    if id.is_empty() {
        return Err(ApiError::bad_request("`id` must not be empty"));
    }
    if id == "locked" {
        // 403 is not in `errors(..)`: the client gets a generic 500, and the log says why.
        return Err(ApiError::forbidden(format!("user `{id}` is locked")));
    }
    users
        .get(id)
        .await? // a database error: a 500 whose text is logged, never sent
        .ok_or_else(|| ApiError::not_found(format!("no user `{id}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_contract::testing::invoke;
    use serde_json::{json, Value};

    /// The `[NNN]` marker and the problem after it.
    fn failure(error: lambda_contract::Diagnostic) -> (String, Value) {
        let (marker, problem) = error.error_message.split_once(' ').unwrap();
        (marker.to_owned(), serde_json::from_str(problem).unwrap())
    }

    #[tokio::test]
    async fn each_outcome_has_its_marker() {
        let glue = get_user_lambda();
        let user = invoke(&glue, json!({ "id": "ada" })).await.unwrap();
        assert_eq!(user["name"], "Ada Lovelace");

        let (marker, problem) = failure(invoke(&glue, json!({ "id": "bob" })).await.unwrap_err());
        assert_eq!(marker, "[404]");
        assert_eq!(problem["detail"], "no user `bob`");

        let (marker, _) = failure(invoke(&glue, json!({ "id": " " })).await.unwrap_err());
        assert_eq!(marker, "[400]");
        let (marker, _) = failure(invoke(&glue, json!({ "user": "ada" })).await.unwrap_err());
        assert_eq!(marker, "[400]");

        for id in ["locked", "outage"] {
            let error = invoke(&glue, json!({ "id": id })).await.unwrap_err();
            assert_eq!(error.error_type, "Http500");
            assert!(!error.error_message.contains("10.0.3.7"), "{error:?}");
            assert!(!error.error_message.contains("locked"), "{error:?}");
        }
    }
}
