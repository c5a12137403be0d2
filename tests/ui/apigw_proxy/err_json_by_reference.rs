// With `init` given, `&Json<T>` is still the body, not the init state.
use lambda_contract::apigw::Json;
use lambda_contract::{apigw_proxy, Error};

struct Db;

async fn connect() -> Result<Db, Error> {
    Ok(Db)
}

#[apigw_proxy(init = connect)]
async fn create(_db: &Db, body: &Json<serde_json::Value>) -> String {
    body.0.to_string()
}
