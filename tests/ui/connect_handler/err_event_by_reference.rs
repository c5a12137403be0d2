use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler]
async fn lookup(event: &ConnectEvent) -> Result<(), Error> {
    let _ = event;
    Ok(())
}
