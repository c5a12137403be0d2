use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize)]
struct Address {
    city: String,
}

#[derive(Serialize, ConnectResponse)]
struct Customer {
    name: String,
    address: Address,
}

fn main() {}
