use lambda_contract::apigw::ApiError;
use lambda_contract::{apigw_custom, Context};

#[apigw_custom]
async fn get_user(_input: serde_json::Value, context: &Context) -> Result<String, ApiError> {
    Ok(context.request_id.clone())
}
