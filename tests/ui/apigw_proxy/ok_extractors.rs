//! Accepted parameter lists and return types, run through the generated glue.
use lambda_contract::apigw::{ApiError, Json, Path, Query, Request, StatusCode};
use lambda_contract::{apigw_proxy, Context};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Deserialize)]
struct Id {
    id: u32,
}

#[derive(Deserialize)]
struct Paging {
    limit: Option<u8>,
}

#[derive(Deserialize, Serialize)]
struct NewUser {
    name: String,
}

struct Db {
    prefix: &'static str,
}

async fn connect() -> Result<Db, std::io::Error> {
    Ok(Db { prefix: "user" })
}

mod none {
    use super::*;
    #[apigw_proxy]
    pub async fn health() -> &'static str {
        "ok"
    }
}

mod parts_and_body {
    use super::*;
    #[apigw_proxy(init = connect)]
    pub async fn create(
        Path(id): Path<Id>,
        db: &Db,
        Query(paging): Query<Paging>,
        _context: Context,
        Json(user): Json<NewUser>,
    ) -> Result<(StatusCode, Json<Value>), ApiError> {
        Ok((
            StatusCode::CREATED,
            Json(json!({ "id": format!("{}-{}", db.prefix, id.id), "name": user.name, "limit": paging.limit })),
        ))
    }
}

mod whole_request {
    use super::*;
    #[apigw_proxy]
    pub async fn echo(request: Request) -> Result<String, std::io::Error> {
        Ok(format!("{} {}", request.method(), request.path()))
    }
}

fn v1(method: &str, path: &str, body: Option<&str>) -> Value {
    json!({
        "resource": "/users/{id}",
        "path": path,
        "httpMethod": method,
        "headers": { "Content-Type": "application/json" },
        "multiValueHeaders": null,
        "queryStringParameters": { "limit": "5" },
        "multiValueQueryStringParameters": null,
        "pathParameters": { "id": "7" },
        "requestContext": { "httpMethod": method, "requestId": "r-1", "path": path },
        "body": body,
        "isBase64Encoded": false
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use lambda_contract::testing::invoke;
    let out = invoke(&none::health_lambda(), v1("GET", "/health", None)).await.unwrap();
    assert_eq!(out["statusCode"], 200);
    assert_eq!(out["body"], "ok");

    let out = invoke(&parts_and_body::create_lambda(), v1("POST", "/users/7", Some(r#"{"name":"Ada"}"#)))
        .await
        .unwrap();
    assert_eq!(out["statusCode"], 201);
    let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({ "id": "user-7", "name": "Ada", "limit": 5 }));

    let out = invoke(&parts_and_body::create_lambda(), v1("POST", "/users/7", Some(r#"{"nom":"Ada"}"#)))
        .await
        .unwrap();
    assert_eq!(out["statusCode"], 422);

    let out = invoke(&whole_request::echo_lambda(), v1("DELETE", "/users/7", None)).await.unwrap();
    assert_eq!(out["body"], "DELETE /users/7");
}
