use lambda_contract::connect::ConnectEvent;
use lambda_contract::connect_handler;

#[connect_handler]
async fn lookup(event: ConnectEvent) {
    println!("{}", event.contact_id());
}
