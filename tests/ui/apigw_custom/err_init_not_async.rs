use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

struct Config;

fn setup() -> Result<Config, std::io::Error> {
    Ok(Config)
}

#[apigw_custom(init = setup)]
async fn get_user(_input: serde_json::Value, _config: &Config) -> Result<String, ApiError> {
    Ok("ada".to_owned())
}
