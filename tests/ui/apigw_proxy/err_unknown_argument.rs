use lambda_contract::apigw_proxy;

#[apigw_proxy(timeout_ms = 3000)]
async fn health() -> &'static str {
    "ok"
}
