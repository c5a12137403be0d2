use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(asynchronus)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}
