use lambda_contract::{connect_handler, Error};

#[connect_handler]
async fn lookup(_event: serde_json::Value) -> Result<(), Error> {
    Ok(())
}
