//! Lambda Managed Instances: with `AWS_LAMBDA_MAX_CONCURRENCY=N` the generated `main` serves
//! N invocations at once through lambda_runtime's `run_concurrent`, against the mock Runtime
//! API on loopback (which hands out an event to every `GET /next` it holds, and counts the
//! invocations in flight). Unset, it serves one at a time, as before.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use lambda_contract_tests::runtime_api::{wait_until, Function, MockRuntimeApi, Outcome, Posted};
use lambda_contract_tests::{build_binary, starter_events};
use serde_json::{json, Value};

const SLOTS: &str = "8";

fn echo_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build_binary("lambda-contract-tests", "concurrent_echo"))
}

/// A Connect contact asking the echo function for `id` after `delay_ms`.
fn echo_event(id: &str, delay_ms: u64, action: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {"ContactId": format!("contact-{id}"), "Channel": "VOICE"},
            "Parameters": {"id": id, "delay_ms": delay_ms.to_string(), "action": action}
        }
    }))
    .expect("the event serializes")
}

fn concurrently() -> [(&'static str, &'static str); 1] {
    [("AWS_LAMBDA_MAX_CONCURRENCY", SLOTS)]
}

/// Runs `events` (request id, payload) through `binary`, waits for all their outcomes and
/// for every slot to poll again, and returns what was posted, the peak of invocations in
/// flight, and the function's output.
fn serve(
    binary: &Path,
    events: Vec<(String, Vec<u8>)>,
    env: &[(&str, &str)],
    slots: usize,
) -> (Vec<Posted>, usize, String) {
    let count = events.len();
    let api = MockRuntimeApi::start(
        events
            .iter()
            .map(|(id, payload)| (id.as_str(), payload.clone()))
            .collect(),
    );
    let mut function = Function::spawn_with(binary, &api, env);
    wait_until(&mut function, "every invocation is answered", || {
        api.snapshot(|state| state.responses + state.errors) >= count
    });
    wait_until(&mut function, "every slot polls for the next event", || {
        api.next_requests() >= count + slots
    });
    let output = function.stop();
    let (unexpected, peak) = api.snapshot(|state| (state.unexpected.clone(), state.peak_in_flight));
    assert!(
        unexpected.is_empty(),
        "unexpected requests {unexpected:?}\n{output}"
    );
    (api.posted(), peak, output)
}

fn body(posted: &Posted) -> Value {
    serde_json::from_str(&posted.body).unwrap_or_else(|error| panic!("{posted:?}: {error}"))
}

#[test]
fn eight_slots_serve_eight_invocations_at_once() {
    let events: Vec<_> = (0..80)
        .map(|i| (format!("req-{i}"), echo_event(&i.to_string(), 50, "echo")))
        .collect();
    let started = Instant::now();
    let (posted, peak, output) = serve(echo_binary(), events, &concurrently(), 8);
    let waits = started.elapsed().as_secs_f64() / 0.050;
    eprintln!("80 invocations of 50 ms with 8 slots: {waits:.1} waits, peak {peak} in flight");
    assert_eq!(posted.len(), 80, "{output}");
    assert!(
        posted.iter().all(|p| p.outcome == Outcome::Response),
        "{posted:#?}"
    );
    assert_eq!(peak, 8, "eight invocations at once\n{output}");
    assert!(!output.contains("one invocation at a time"), "{output}");
}

#[test]
fn without_max_concurrency_the_loop_is_sequential() {
    let events: Vec<_> = (0..12)
        .map(|i| (format!("req-{i}"), echo_event(&i.to_string(), 20, "echo")))
        .collect();
    let (posted, peak, output) = serve(echo_binary(), events, &[], 1);
    assert_eq!(posted.len(), 12, "{output}");
    assert_eq!(peak, 1, "one invocation at a time\n{output}");
    let order: Vec<String> = posted.iter().map(|p| p.request_id.clone()).collect();
    let expected: Vec<String> = (0..12).map(|i| format!("req-{i}")).collect();
    assert_eq!(order, expected, "in queue order");
}

#[test]
fn ten_thousand_invocations_each_post_their_own_answer_once() {
    // Delays of 0 to 3 ms from a fixed linear congruential sequence: invocations finish out of
    // the order they started in.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let events: Vec<_> = (0..10_000)
        .map(|i| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let delay = (seed >> 33) % 4;
            (
                format!("req-{i}"),
                echo_event(&format!("id-{i}"), delay, "echo"),
            )
        })
        .collect();
    let (posted, peak, output) = serve(echo_binary(), events, &concurrently(), 8);
    let tail = || output.lines().rev().take(20).collect::<Vec<_>>().join("\n");
    assert_eq!(posted.len(), 10_000, "{}", tail());
    assert!(peak > 1, "invocations overlapped (peak {peak})");
    let mut seen = vec![false; 10_000];
    for p in &posted {
        assert_eq!(p.outcome, Outcome::Response, "{p:?}");
        let index: usize = p.request_id["req-".len()..]
            .parse()
            .expect("our request id");
        assert!(!seen[index], "{} answered twice", p.request_id);
        seen[index] = true;
        let answer = body(p);
        assert_eq!(
            answer["id"],
            format!("id-{index}"),
            "another event's data: {p:?}"
        );
        assert_eq!(
            answer["requestId"], p.request_id,
            "another invocation's context: {p:?}"
        );
    }
    assert!(seen.iter().all(|&s| s), "every invocation answered");
    eprintln!("10,000 invocations with 8 slots: peak {peak} in flight");
}

#[test]
fn a_panic_and_a_deadline_leave_the_other_invocations_alone() {
    let mut events = vec![
        ("req-hang".to_owned(), echo_event("hang", 0, "hang")),
        ("req-panic".to_owned(), echo_event("panic", 0, "panic")),
    ];
    events.extend((0..100).map(|i| (format!("req-{i}"), echo_event(&i.to_string(), 0, "echo"))));
    let (posted, _, output) = serve(echo_binary(), events, &concurrently(), 8);
    assert_eq!(posted.len(), 102, "{output}");
    let find = |id: &str| {
        posted
            .iter()
            .position(|p| p.request_id == id)
            .unwrap_or_else(|| panic!("{id} was answered"))
    };
    let (hang, panic) = (find("req-hang"), find("req-panic"));
    assert_eq!(posted[hang].outcome, Outcome::Error);
    assert_eq!(body(&posted[hang])["errorType"], "HandlerTimedOut");
    assert_eq!(posted[panic].outcome, Outcome::Error);
    assert_eq!(body(&posted[panic])["errorType"], "HandlerPanicked");
    for (index, p) in posted.iter().enumerate() {
        if index != hang && index != panic {
            assert_eq!(p.outcome, Outcome::Response, "{p:?}");
            assert_eq!(body(p)["requestId"], p.request_id, "{p:?}");
        }
    }
    // The other slots went on serving while one invocation hung until its 300 ms limit: the
    // hung one was answered after all the quick ones.
    assert_eq!(
        hang,
        posted.len() - 1,
        "{:?}",
        posted.iter().map(|p| &p.request_id).collect::<Vec<_>>()
    );
    // The process survived both.
    assert!(!output.contains("worker panicked"), "{output}");
}

#[test]
fn a_handler_whose_future_is_not_send_serves_one_at_a_time_and_says_why() {
    let binary = build_binary("lambda-contract-tests", "local_echo");
    let events: Vec<_> = (0..8)
        .map(|i| (format!("req-{i}"), echo_event(&i.to_string(), 0, "echo")))
        .collect();
    let (posted, peak, output) = serve(&binary, events, &concurrently(), 1);
    assert_eq!(posted.len(), 8, "{output}");
    assert!(
        posted.iter().all(|p| p.outcome == Outcome::Response),
        "{posted:#?}"
    );
    assert_eq!(peak, 1, "{output}");
    let said = output.matches("serves one invocation at a time").count();
    assert_eq!(said, 1, "said once at start-up\n{output}");
    assert!(
        output.contains("`local_echo`") && output.contains("not `Send`"),
        "{output}"
    );
    assert!(
        !output.contains("feature is not enabled"),
        "lambda_runtime's misleading line is not shown\n{output}"
    );
}

/// Every starter answers each of its events, 50 times over with 8 slots, each to its own
/// request id and with its own event's data. The Connect and custom-integration starters are
/// stateless: the same bytes as one at a time. The API Gateway starter keeps users in memory
/// (a create or a delete changes what a get answers, in whatever order the slots run them): a
/// well-formed envelope of the same shape, whose problem body names the event's own request.
#[test]
fn the_starters_answer_the_same_with_eight_slots() {
    for (starter, stateful) in [
        ("connect-customer-lookup", false),
        ("apigw-rest-api", true),
        ("apigw-custom-integration", false),
    ] {
        let binary = build_binary(starter, starter);
        let (events, _) = starter_events(starter);
        let once: Vec<_> = events
            .iter()
            .enumerate()
            .map(|(k, payload)| (format!("seq-{k}"), payload.clone()))
            .collect();
        let (sequential, _, output) = serve(&binary, once, &[], 1);
        let expected: Vec<(Outcome, String)> = (0..events.len())
            .map(|k| {
                let id = format!("seq-{k}");
                let p = sequential
                    .iter()
                    .find(|p| p.request_id == id)
                    .unwrap_or_else(|| panic!("{starter}: {id}\n{output}"));
                (p.outcome, p.body.replace(&id, "<request id>"))
            })
            .collect();

        let rounds = 50;
        let many: Vec<_> = (0..rounds)
            .flat_map(|round| {
                events
                    .iter()
                    .enumerate()
                    .map(move |(k, payload)| (format!("con-{round}-{k}"), payload.clone()))
            })
            .collect();
        let (concurrent, _, output) = serve(&binary, many, &concurrently(), 8);
        assert_eq!(
            concurrent.len(),
            rounds * events.len(),
            "{starter}\n{output}"
        );
        assert!(
            !output.contains("one invocation at a time"),
            "{starter}\n{output}"
        );
        let mut seen = std::collections::HashSet::new();
        for p in &concurrent {
            assert!(
                seen.insert(p.request_id.clone()),
                "{} answered twice",
                p.request_id
            );
            let k: usize = p.request_id.rsplit('-').next().unwrap().parse().unwrap();
            let (outcome, body) = &expected[k];
            assert_eq!(p.outcome, *outcome, "{starter} {}", p.request_id);
            let got = p.body.replace(&p.request_id, "<request id>");
            if !stateful {
                assert_eq!(&got, body, "{starter} {}", p.request_id);
                continue;
            }
            let got: Value = serde_json::from_str(&got).expect("JSON");
            let want: Value = serde_json::from_str(body).expect("JSON");
            let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
            assert_eq!(keys(&got), keys(&want), "{starter} {}: {got}", p.request_id);
            let event: Value = serde_json::from_slice(&events[k]).expect("JSON");
            let problem: Value = got["body"]
                .as_str()
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or(Value::Null);
            if let Some(named) = problem.get("requestId") {
                let own = &event["requestContext"]["requestId"];
                assert!(
                    named == own || named == "<request id>",
                    "{starter} {}: the problem names {named}, the event is {own}",
                    p.request_id
                );
            }
        }
    }
}
