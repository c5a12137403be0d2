use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler]
async fn lookup(_event: ConnectEvent, _phone: String) -> Result<(), Error> {
    Ok(())
}
