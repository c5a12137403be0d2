// A handler the attribute rejects keeps a stand-in `<name>_lambda()`, and the stand-in adds no
// error of its own: a test calling it sees the attribute's error alone.
use lambda_contract::apigw_proxy;

#[apigw_proxy(timeout_ms = 3000)]
async fn health() -> &'static str {
    "ok"
}

#[allow(dead_code)]
fn glue() -> impl lambda_contract::Handler {
    health_lambda()
}
