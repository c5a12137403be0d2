use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

struct Config;

async fn setup() -> Config {
    Config
}

#[connect_handler(init = setup)]
async fn lookup(_event: ConnectEvent, _config: &Config) -> Result<(), Error> {
    Ok(())
}
