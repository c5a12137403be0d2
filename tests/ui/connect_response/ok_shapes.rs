//! Accepted response shapes, checked by what they send.
use lambda_contract::connect::ConnectScalar;
use lambda_contract::ConnectResponse;
use serde::Serialize;

/// Names that only look like HTTP statuses or errors are ordinary business data.
#[derive(Serialize, ConnectResponse)]
struct Ticket {
    status: String,
    code: u32,
    error_count: u8,
    status_text: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Tier {
    Gold,
}
impl ConnectScalar for Tier {}

#[derive(Serialize)]
struct AccountId(String);
impl ConnectScalar for AccountId {}

#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Account<'a, T: Serialize + ConnectScalar> {
    account_id: AccountId,
    tier: Tier,
    balance: T,
    nickname: Option<&'a str>,
    #[serde(skip)]
    _internal: Vec<u8>,
    #[serde(rename(serialize = "VIP"))]
    vip: bool,
}

#[derive(Serialize, ConnectResponse)]
#[connect(json)]
struct Orders {
    ids: Vec<u32>,
    totals: std::collections::BTreeMap<String, f64>,
}

fn main() {
    let ticket = Ticket { status: "open".into(), code: 7, error_count: 0, status_text: "waiting" };
    assert_eq!(
        ticket.to_connect_response().unwrap(),
        r#"{"status":"open","code":"7","error_count":"0","status_text":"waiting"}"#
    );
    let account = Account {
        account_id: AccountId("a-1".into()),
        tier: Tier::Gold,
        balance: 12.5,
        nickname: None,
        _internal: vec![1],
        vip: true,
    };
    assert_eq!(
        Some(account).to_connect_response().unwrap(),
        r#"{"found":"true","accountId":"a-1","tier":"gold","balance":"12.5","VIP":"true"}"#
    );
    let orders = Orders { ids: vec![1, 2], totals: [("eur".to_owned(), 3.5)].into() };
    assert_eq!(orders.to_connect_response().unwrap(), r#"{"ids":[1,2],"totals":{"eur":3.5}}"#);
}
