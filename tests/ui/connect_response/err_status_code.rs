use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Lookup {
    status_code: u16,
    account_id: String,
}

fn main() {}
