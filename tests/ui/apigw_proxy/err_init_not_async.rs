use lambda_contract::apigw_proxy;

struct Db;

fn connect() -> Result<Db, std::io::Error> {
    Ok(Db)
}

#[apigw_proxy(init = connect)]
async fn health(_db: &Db) -> &'static str {
    "ok"
}
