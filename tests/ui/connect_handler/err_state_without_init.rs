use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

struct Config;

#[connect_handler]
async fn lookup(_event: ConnectEvent, _config: &Config) -> Result<(), Error> {
    Ok(())
}
