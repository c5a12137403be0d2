use lambda_contract::{connect_handler, Error};

#[connect_handler]
async fn lookup() -> Result<(), Error> {
    Ok(())
}
