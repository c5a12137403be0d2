use lambda_contract::apigw_custom;

#[derive(Debug)]
struct NotFound;

#[apigw_custom(errors(404))]
async fn get_user(_input: serde_json::Value) -> Result<String, NotFound> {
    Err(NotFound)
}
