use lambda_contract::connect::ConnectEvent;
use lambda_contract::connect_handler;
use std::collections::HashMap;

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> HashMap<String, String> {
    HashMap::from([("statusCode".to_owned(), "500".to_owned())])
}
