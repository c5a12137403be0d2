use lambda_contract::connect::ConnectEvent;
use lambda_contract::connect_handler;

type Outcome<T> = Result<T, lambda_contract::Error>;

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> Outcome<serde_json::Value> {
    Ok(serde_json::json!({ "statusCode": 200 }))
}
