// A misshapen `init` is reported once; the `&Config` it would serve is not reported too.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

struct Config;

async fn setup() -> Result<Config, Error> {
    Ok(Config)
}

#[connect_handler(init(setup))]
async fn lookup(_event: ConnectEvent, _config: &Config) -> Result<(), Error> {
    Ok(())
}
