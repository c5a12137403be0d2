use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Lookup {
    account_id: Option<String>,
    error_message: Option<String>,
}

fn main() {}
