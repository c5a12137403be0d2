use lambda_contract::apigw::Request;
use lambda_contract::apigw_proxy;

#[apigw_proxy]
async fn echo(request: &Request) -> String {
    request.path().to_owned()
}
