use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};
use serde::Serialize;

#[derive(Serialize)]
struct Account {
    account_id: String,
}

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> Result<Account, Error> {
    Ok(Account { account_id: "a-1".to_owned() })
}
