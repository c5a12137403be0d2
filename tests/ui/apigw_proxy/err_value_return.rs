use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_proxy;

#[apigw_proxy]
async fn users() -> Result<serde_json::Value, ApiError> {
    Ok(serde_json::json!({ "statusCode": 200, "users": [] }))
}
