// A handler the attribute rejects keeps a stand-in `<name>_lambda()`, and the stand-in adds no
// error of its own: a test calling it sees the attribute's error alone.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

#[connect_handler(timeout_ms = 0)]
async fn lookup(_event: ConnectEvent) -> Result<(), Error> {
    Ok(())
}

#[allow(dead_code)]
fn glue() -> impl lambda_contract::Handler {
    lookup_lambda()
}
