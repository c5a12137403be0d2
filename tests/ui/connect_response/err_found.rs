use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Lookup {
    found: bool,
    account_id: String,
}

fn main() {}
