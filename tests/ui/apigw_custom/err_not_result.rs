use lambda_contract::apigw_custom;

#[derive(serde::Serialize)]
struct User {
    id: String,
}

#[apigw_custom(errors(404))]
async fn get_user(_input: serde_json::Value) -> User {
    User { id: "ada".to_owned() }
}
