use lambda_contract::apigw::{Json, Path, StatusCode};
use lambda_contract::apigw_proxy;
use serde::Deserialize;

#[derive(Deserialize)]
struct User {
    name: String,
}

#[apigw_proxy]
async fn rename(Json(user): Json<User>, Path(id): Path<u32>) -> StatusCode {
    let _ = (user.name, id);
    StatusCode::NO_CONTENT
}
