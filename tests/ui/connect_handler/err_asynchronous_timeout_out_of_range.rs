use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(asynchronous, timeout_ms = 60001)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}
