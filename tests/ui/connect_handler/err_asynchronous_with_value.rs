use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(asynchronous = true, timeout_ms = 30000)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}
