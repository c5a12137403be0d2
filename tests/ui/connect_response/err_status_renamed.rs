use lambda_contract::ConnectResponse;
use serde::Serialize;

#[derive(Serialize, ConnectResponse)]
struct Lookup {
    #[serde(rename = "HTTP_STATUS")]
    outcome: u16,
}

fn main() {}
