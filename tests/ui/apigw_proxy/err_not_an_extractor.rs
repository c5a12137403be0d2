use lambda_contract::apigw::Json;
use lambda_contract::apigw_proxy;

#[apigw_proxy]
async fn users(id: String) -> Json<String> {
    Json(id)
}
