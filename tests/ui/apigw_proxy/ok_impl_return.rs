//! `impl IntoResponse` is accepted as the return type and as a `Result`'s `Ok`, as in any
//! async fn.
use lambda_contract::apigw::{ApiError, IntoResponse, Json, Path, StatusCode};
use lambda_contract::apigw_proxy;
use serde_json::{json, Value};

mod plain {
    use super::*;
    #[apigw_proxy]
    pub async fn health() -> impl IntoResponse {
        (StatusCode::ACCEPTED, "ok")
    }
}

mod in_result {
    use super::*;
    #[apigw_proxy]
    pub async fn user(Path(id): Path<u32>) -> Result<impl IntoResponse, ApiError> {
        if id != 7 {
            return Err(ApiError::not_found(format!("no user {id}")));
        }
        Ok(Json(json!({ "id": id })))
    }
}

mod nested {
    use super::*;
    #[apigw_proxy]
    pub async fn created() -> Result<(StatusCode, impl IntoResponse), ApiError> {
        Ok((StatusCode::CREATED, "made"))
    }
}

fn v1(path: &str, id: &str) -> Value {
    json!({
        "resource": "/users/{id}",
        "path": path,
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": null,
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": { "id": id },
        "requestContext": { "httpMethod": "GET", "requestId": "r-1", "path": path },
        "body": null,
        "isBase64Encoded": false
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use lambda_contract::testing::invoke;
    let out = invoke(&plain::health_lambda(), v1("/health", "0")).await.unwrap();
    assert_eq!(out["statusCode"], 202);
    assert_eq!(out["body"], "ok");

    let out = invoke(&in_result::user_lambda(), v1("/users/7", "7")).await.unwrap();
    assert_eq!(out["statusCode"], 200);
    assert_eq!(out["body"], r#"{"id":7}"#);
    let out = invoke(&in_result::user_lambda(), v1("/users/8", "8")).await.unwrap();
    assert_eq!(out["statusCode"], 404);

    let out = invoke(&nested::created_lambda(), v1("/users", "0")).await.unwrap();
    assert_eq!(out["statusCode"], 201);
    assert_eq!(out["body"], "made");
}
