use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

#[apigw_custom(errors(404, 302))]
async fn get_user(_input: serde_json::Value) -> Result<(), ApiError> {
    Ok(())
}
