use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

struct GetUser {
    id: String,
}

#[apigw_custom(errors(404))]
async fn get_user(input: GetUser) -> Result<String, ApiError> {
    Ok(input.id)
}
