use lambda_contract::apigw_proxy;

#[apigw_proxy]
async fn echo(body: impl Into<String>) -> String {
    body.into()
}
