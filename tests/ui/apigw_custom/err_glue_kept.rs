// A handler the attribute rejects keeps a stand-in `<name>_lambda()`, and the stand-in adds no
// error of its own: a test calling it sees the attribute's error alone.
use lambda_contract::apigw::ApiError;
use lambda_contract::apigw_custom;

#[apigw_custom(errors(302))]
async fn get_user(_input: serde_json::Value) -> Result<(), ApiError> {
    Ok(())
}

#[allow(dead_code)]
fn glue() -> impl lambda_contract::Handler {
    get_user_lambda()
}
