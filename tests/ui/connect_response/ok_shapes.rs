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

/// Fields shared by several responses, checked by their own derive.
#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Customer {
    customer_id: String,
    tier: Tier,
}

/// A flattened response adds its own (checked) names; a flattened map is checked key by key
/// when the response is sent.
#[derive(Serialize, ConnectResponse)]
#[serde(rename_all = "camelCase")]
struct Case {
    case_id: u32,
    #[serde(flatten)]
    customer: Customer,
    #[serde(flatten)]
    extra: std::collections::BTreeMap<String, String>,
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

    let case = |key: &str| Case {
        case_id: 7,
        customer: Customer { customer_id: "c-1".into(), tier: Tier::Gold },
        extra: [(key.to_owned(), "x".to_owned())].into(),
    };
    assert_eq!(
        Some(case("queue")).to_connect_response().unwrap(),
        r#"{"found":"true","caseId":"7","customerId":"c-1","tier":"gold","queue":"x"}"#
    );
    let error = case("statusCode").to_connect_response().unwrap_err().to_string();
    assert!(error.contains("top-level key `statusCode`"), "{error}");
    let error = Some(case("found")).to_connect_response().unwrap_err().to_string();
    assert!(error.contains("`found`"), "{error}");
}
