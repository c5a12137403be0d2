use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
enum Lookup {
    Found { account_id: String },
    Missing,
}

fn main() {}
