use lambda_contract::connect::ConnectEvent;
use lambda_contract::connect_handler;

#[derive(Debug)]
struct LookupFailed;

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> Result<(), LookupFailed> {
    Err(LookupFailed)
}
