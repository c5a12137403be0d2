//! Every accepted signature runs through the generated glue: the input first, then `&S` and
//! `Context` in either order; `Ok` is plain JSON, a declared status keeps its marker, anything
//! else is `[500]`.
use lambda_contract::apigw::ApiError;
use lambda_contract::{apigw_custom, Context, Error};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct GetUser {
    id: String,
}

#[derive(Serialize)]
struct User {
    id: String,
    greeting: String,
}

struct Config {
    greeting: String,
}

async fn setup() -> Result<Config, std::io::Error> {
    Ok(Config { greeting: "hello".to_owned() })
}

type Reply = Result<User, ApiError>;

mod input_only {
    use super::*;
    #[apigw_custom(errors(404, 409))]
    pub async fn get_user(input: GetUser) -> Result<User, ApiError> {
        match input.id.as_str() {
            "ada" => Ok(User { id: input.id, greeting: "hi".into() }),
            "taken" => Err(ApiError::conflict("taken")),
            "forbidden" => Err(ApiError::forbidden("undeclared")),
            _ => Err(ApiError::not_found(format!("no user {}", input.id))),
        }
    }
}

mod with_state_and_context {
    use super::*;
    #[apigw_custom(init = setup, errors())]
    pub async fn get_user(input: GetUser, config: &Config, context: Context) -> Reply {
        Ok(User { id: input.id, greeting: format!("{} {}", config.greeting, context.request_id) })
    }
}

mod context_then_state {
    use super::*;
    #[apigw_custom(errors(404), init = crate::setup)]
    pub async fn get_user(_input: GetUser, context: Context, config: &Config) -> Result<User, ApiError> {
        Ok(User { id: context.request_id, greeting: config.greeting.clone() })
    }
}

mod any_error {
    use super::*;
    #[apigw_custom]
    pub async fn get_user(_input: serde_json::Value) -> Result<(), std::io::Error> {
        Err(std::io::Error::other("disk on fire"))
    }
}

mod boxed_error {
    use super::*;
    #[apigw_custom]
    pub async fn get_user(_input: serde_json::Value) -> Result<Vec<u8>, Error> {
        Err("boxed".into())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use lambda_contract::testing::invoke;
    use serde_json::json;

    let ok = invoke(&input_only::get_user_lambda(), json!({ "id": "ada" })).await.unwrap();
    assert_eq!(ok, json!({ "id": "ada", "greeting": "hi" }));
    let failed = |status: u16, error: lambda_contract::Diagnostic| {
        assert_eq!(error.error_type, format!("Http{status}"));
        assert!(error.error_message.starts_with(&format!("[{status}] {{")), "{}", error.error_message);
    };
    failed(404, invoke(&input_only::get_user_lambda(), json!({ "id": "bob" })).await.unwrap_err());
    failed(409, invoke(&input_only::get_user_lambda(), json!({ "id": "taken" })).await.unwrap_err());
    failed(500, invoke(&input_only::get_user_lambda(), json!({ "id": "forbidden" })).await.unwrap_err());
    failed(400, invoke(&input_only::get_user_lambda(), json!({ "name": "ada" })).await.unwrap_err());

    let ok = invoke(&with_state_and_context::get_user_lambda(), json!({ "id": "x" })).await.unwrap();
    assert_eq!(ok["greeting"], "hello local-invocation");
    let ok = invoke(&context_then_state::get_user_lambda(), json!({ "id": "x" })).await.unwrap();
    assert_eq!(ok, json!({ "id": "local-invocation", "greeting": "hello" }));

    failed(500, invoke(&any_error::get_user_lambda(), json!(null)).await.unwrap_err());
    failed(500, invoke(&boxed_error::get_user_lambda(), json!(null)).await.unwrap_err());
}
