use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Lookup {
    #[serde(rename = "found")]
    exists: bool,
    account_id: String,
}

fn main() {}
