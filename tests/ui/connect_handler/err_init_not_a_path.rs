use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(init = "setup", init = setup)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}
