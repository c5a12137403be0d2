use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

struct User {
    id: String,
}

#[apigw_custom(errors(404))]
async fn get_user(_input: serde_json::Value) -> Result<User, ApiError> {
    Ok(User { id: "ada".to_owned() })
}
