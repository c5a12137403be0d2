use lambda_contract::ConnectResponse;
use serde::Serialize;

/// A type shared with an HTTP API, never checked for Connect.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    status_code: String,
    error_message: Option<String>,
}

#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Lookup {
    account_id: String,
    #[serde(flatten)]
    outcome: Outcome,
}

fn main() {}
