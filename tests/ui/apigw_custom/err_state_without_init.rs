use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

struct Config;

#[apigw_custom(errors(404))]
async fn get_user(_input: serde_json::Value, _config: &Config) -> Result<String, ApiError> {
    Ok(String::new())
}
