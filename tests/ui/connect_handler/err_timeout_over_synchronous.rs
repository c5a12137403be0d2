use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(timeout_ms = 8001)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}
