use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Orders {
    order_ids: Vec<String>,
}

fn main() {}
