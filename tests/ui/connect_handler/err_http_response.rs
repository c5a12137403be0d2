// An API Gateway-style response sent to Amazon Connect: the status code is lost on Connect.
use lambda_contract::connect::ConnectEvent;
use lambda_contract::{connect_handler, Error};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiGatewayProxyResponse {
    status_code: u16,
    body: String,
}

#[connect_handler]
async fn lookup(_event: ConnectEvent) -> Result<ApiGatewayProxyResponse, Error> {
    Ok(ApiGatewayProxyResponse { status_code: 500, body: "database down".to_owned() })
}
