use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> Result<serde_json::Value, Error> {
    Ok(serde_json::json!({ "statusCode": 200 }))
}
