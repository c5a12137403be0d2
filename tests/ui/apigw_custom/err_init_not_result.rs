use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

struct Config;

async fn setup() -> Config {
    Config
}

#[apigw_custom(init = setup)]
async fn get_user(_input: serde_json::Value, _config: &Config) -> Result<String, ApiError> {
    Ok("ada".to_owned())
}
