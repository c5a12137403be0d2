use lambda_contract::apigw_proxy;

struct Db;

async fn connect() -> Db {
    Db
}

#[apigw_proxy(init = connect)]
async fn health(_db: &Db) -> &'static str {
    "ok"
}
