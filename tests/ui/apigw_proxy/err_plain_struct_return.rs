use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_proxy;
use serde::Serialize;

#[derive(Serialize)]
struct User {
    id: u32,
}

#[apigw_proxy]
async fn user() -> Result<User, ApiError> {
    Ok(User { id: 7 })
}
