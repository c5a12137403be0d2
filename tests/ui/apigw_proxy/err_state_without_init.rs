use lambda_contract::apigw_proxy;

struct Db;

#[apigw_proxy]
async fn health(_db: &Db) -> &'static str {
    "ok"
}
