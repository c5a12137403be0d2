use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Lookup {
    error: bool,
}

fn main() {}
