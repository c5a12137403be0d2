//! A Connect Lambda whose `init` always fails: the integration tests check that the generated
//! `main` exits non-zero before serving anything, and what local mode answers.

use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};

/// Fails as an `init` that cannot build its client would; the tests look for this text.
async fn setup() -> Result<(), Error> {
    Err("failing_init: the customer table is not configured".into())
}

#[connect_handler(init = setup)]
async fn never_called(_event: ConnectEvent, _state: &()) -> Result<(), Error> {
    // Never reached: the glue runs `init` first, and it fails.
    Ok(())
}
