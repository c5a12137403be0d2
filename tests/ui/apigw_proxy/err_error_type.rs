use lambda_contract::apigw::Json;
use lambda_contract::apigw_proxy;

#[derive(Debug)]
struct DbDown;

#[apigw_proxy]
async fn users() -> Result<Json<Vec<u32>>, DbDown> {
    Err(DbDown)
}
