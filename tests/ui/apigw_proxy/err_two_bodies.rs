use lambda_contract::apigw::{Json, StatusCode};
use lambda_contract::apigw_proxy;
use serde::Deserialize;

#[derive(Deserialize)]
struct User {
    name: String,
}

#[apigw_proxy]
async fn create(Json(user): Json<User>, Json(again): Json<User>) -> StatusCode {
    let _ = (user.name, again.name);
    StatusCode::CREATED
}
