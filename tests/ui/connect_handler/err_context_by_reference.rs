// With `init` given, `&Context` is still the Lambda context, not the init state.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Context, Error};

struct Config;

async fn setup() -> Result<Config, Error> {
    Ok(Config)
}

#[connect_handler(init = setup)]
async fn lookup(_event: ConnectEvent, _config: &Config, context: &Context) -> Result<(), Error> {
    let _ = context;
    Ok(())
}
