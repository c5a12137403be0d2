use lambda_contract::apigw_proxy;
use std::collections::HashMap;

#[apigw_proxy]
async fn users() -> HashMap<String, String> {
    HashMap::new()
}
