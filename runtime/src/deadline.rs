//! The two pieces every call of a handler's function runs under: its deadline (the caller's
//! own limit, or what Lambda has left, whichever comes first) and the panic capture, put
//! together by [`guarded`]: once per invocation for every caller so far, and once per record,
//! through [`each`], for a caller whose event is a batch.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::future::Either;
use futures_util::{FutureExt, StreamExt};

/// What one call of the user's function came to, under its deadline and the panic capture.
#[derive(Debug, PartialEq, Eq)]
pub enum Called<T> {
    /// It returned this.
    Returned(T),
    /// It panicked, with this text.
    Panicked(String),
    /// It was abandoned at its deadline, this long after its call.
    TimedOut(Duration),
}

/// The future of one [`guarded`] call: a named type, so it holds (and borrows) only the
/// handler's future, not the closure that made it.
pub(crate) type Guarded<Fut> = Either<
    std::future::Ready<Called<<Fut as Future>::Output>>,
    futures_util::future::Map<Deadline<CatchUnwind<Fut>>, Conclude<<Fut as Future>::Output>>,
>;

type CatchUnwind<Fut> = futures_util::future::CatchUnwind<AssertUnwindSafe<Fut>>;
type Conclude<T> = fn(Result<std::thread::Result<T>, Duration>) -> Called<T>;

/// Calls `call` (the user's function on its arguments) inside the panic capture, so a panic
/// before its first `.await` is caught like one after, and runs the future it returns under
/// its deadline: `timeout` counted from now, or Lambda's `lambda_deadline` (ms since the Unix
/// epoch, 0 for none), whichever comes first.
///
/// Built from combinators rather than an `async` block: a block would keep the handler's
/// future twice over (once as a captured value, once pinned in its body).
pub(crate) fn guarded<Fut: Future>(
    call: impl FnOnce() -> Fut,
    timeout: Option<Duration>,
    lambda_deadline: u64,
) -> Guarded<Fut> {
    match std::panic::catch_unwind(AssertUnwindSafe(call)) {
        Err(panic) => Either::Left(std::future::ready(Called::Panicked(panic_message(&*panic)))),
        Ok(future) => {
            let call = Deadline::new(
                AssertUnwindSafe(future).catch_unwind(),
                timeout,
                lambda_deadline,
            );
            let conclude: Conclude<Fut::Output> = |outcome| match outcome {
                Ok(Ok(output)) => Called::Returned(output),
                Ok(Err(panic)) => Called::Panicked(panic_message(&*panic)),
                Err(limit) => Called::TimedOut(limit),
            };
            Either::Right(call.map(conclude))
        }
    }
}

/// Time kept back from Lambda's deadline for a batch's records beyond [`DEADLINE_MARGIN`]:
/// the records still running then are reported failed, and the batch's answer (encoded after
/// them) still reaches the Runtime API before the invocation itself would be abandoned.
const BATCH_MARGIN: Duration = Duration::from_millis(100);

/// How the records of a batch run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// One at a time, in order; the first that fails stops the batch (a stream, a FIFO queue).
    InOrder,
    /// Up to this many at once (a standard queue).
    AtOnce(usize),
}

/// Calls the function once per record, each call [`guarded`] (its own panic capture; the
/// batch's `timeout` and Lambda's deadline less [`BATCH_MARGIN`]), as `schedule` says, and
/// returns what each came to, in the records' order: `None` for a record not run because an
/// earlier one `failed` in an ordered batch. What a batch caller's glue calls, inside the
/// invocation's own [`guarded`] call.
pub async fn each<R, Fut: Future>(
    records: Vec<R>,
    schedule: Schedule,
    timeout: Option<Duration>,
    lambda_deadline: u64,
    call: impl Fn(R) -> Fut,
    failed: impl Fn(&Called<Fut::Output>) -> bool,
) -> Vec<Option<Called<Fut::Output>>> {
    let lambda_deadline = match lambda_deadline {
        0 => 0,
        deadline => deadline
            .saturating_sub(BATCH_MARGIN.as_millis() as u64)
            .max(1),
    };
    let one = |record: R| guarded(|| call(record), timeout, lambda_deadline);
    match schedule {
        Schedule::AtOnce(limit) => {
            futures_util::stream::iter(records.into_iter().map(one))
                .buffered(limit.max(1))
                .map(Some)
                .collect()
                .await
        }
        Schedule::InOrder => {
            let mut calls = Vec::with_capacity(records.len());
            let mut records = records.into_iter();
            for record in records.by_ref() {
                let called = one(record).await;
                let stop = failed(&called);
                calls.push(Some(called));
                if stop {
                    break;
                }
            }
            calls.extend(records.map(|_| None));
            calls
        }
    }
}

/// Time kept back from Lambda's own deadline so an abandoned handler's error still reaches
/// the Runtime API before the sandbox is frozen.
const DEADLINE_MARGIN: Duration = Duration::from_millis(25);

pin_project_lite::pin_project! {
    /// A handler's future under its deadline: the caller's own limit, counted from the call,
    /// or what Lambda has left, whichever comes first. Resolves to `Err(limit)` when the
    /// deadline passes first, and the handler's future is then dropped (abandoned).
    ///
    /// The timer is made when the handler first waits: a handler that answers from its first
    /// poll (a cache hit, a validation error) costs one clock read and no timer. The handler
    /// cannot be stopped in the middle of a poll in any case, so this changes nothing else.
    pub(crate) struct Deadline<Fut> {
        #[pin]
        future: Fut,
        started: tokio::time::Instant,
        timeout: Option<Duration>,
        lambda_deadline: u64,
        timer: Timer,
    }
}

enum Timer {
    /// The handler has not waited yet.
    Unarmed,
    /// Neither limit applies.
    None,
    /// The sleep, and the whole time the handler was given.
    Armed(Pin<Box<tokio::time::Sleep>>, Duration),
}

impl<Fut> Deadline<Fut> {
    pub(crate) fn new(future: Fut, timeout: Option<Duration>, lambda_deadline: u64) -> Self {
        Deadline {
            future,
            started: tokio::time::Instant::now(),
            timeout,
            lambda_deadline,
            timer: Timer::Unarmed,
        }
    }
}

impl<Fut: Future> Future for Deadline<Fut> {
    type Output = Result<Fut::Output, Duration>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        if let Timer::Unarmed = this.timer {
            let now = tokio::time::Instant::now();
            let spent = now.saturating_duration_since(*this.started);
            *this.timer = match given(*this.timeout, spent, *this.lambda_deadline) {
                Some(given) => {
                    let at = *this.started + given;
                    Timer::Armed(Box::pin(tokio::time::sleep_until(at)), given)
                }
                None => Timer::None,
            };
        }
        if let Timer::Armed(sleep, limit) = this.timer {
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Err(*limit));
            }
        }
        Poll::Pending
    }
}

/// The whole time a handler is given, counted from its call, once `spent` has passed: the
/// caller's own limit, or the time spent plus what Lambda has left before `lambda_deadline`
/// (ms since the Unix epoch, 0 for none; less a margin to report the timeout), whichever is
/// shorter. `None` when neither applies.
pub(crate) fn given(
    timeout: Option<Duration>,
    spent: Duration,
    lambda_deadline: u64,
) -> Option<Duration> {
    let lambda_left = (lambda_deadline > 0).then(|| {
        let deadline = UNIX_EPOCH + Duration::from_millis(lambda_deadline);
        deadline
            .duration_since(SystemTime::now())
            .unwrap_or_default()
            .saturating_sub(DEADLINE_MARGIN)
    });
    match (timeout, lambda_left.map(|left| spent + left)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What every caller says of a handler that panicked, with the panic's text.
pub(crate) fn panicked(message: &str) -> String {
    format!("the handler panicked: {message}")
}

/// What every caller says of a handler abandoned at its deadline, `limit` after its call.
pub(crate) fn abandoned(limit: Duration) -> String {
    format!(
        "the handler did not finish within {} ms and was abandoned",
        limit.as_millis()
    )
}

/// The text of a panic payload (`panic!` with a literal or with a format string).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn deadline_takes_the_shorter_limit() {
        let mut context = Context::default();
        assert_eq!(given(None, Duration::ZERO, context.deadline), None);
        assert_eq!(
            given(
                Some(Duration::from_millis(8000)),
                Duration::ZERO,
                context.deadline
            ),
            Some(Duration::from_millis(8000))
        );

        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        context.deadline = (now + Duration::from_secs(2)).as_millis() as u64;
        let left = given(
            Some(Duration::from_millis(8000)),
            Duration::ZERO,
            context.deadline,
        )
        .unwrap();
        assert!(
            left < Duration::from_secs(2) && left > Duration::from_millis(1500),
            "{left:?}"
        );
        assert_eq!(
            given(
                Some(Duration::from_millis(10)),
                Duration::ZERO,
                context.deadline
            ),
            Some(Duration::from_millis(10))
        );

        context.deadline = 1; // long past
        assert_eq!(
            given(None, Duration::ZERO, context.deadline),
            Some(Duration::ZERO)
        );
    }

    #[tokio::test]
    async fn an_answer_from_the_first_poll_makes_no_timer() {
        let mut call = std::pin::pin!(Deadline::new(
            std::future::ready(7),
            Some(Duration::from_millis(1)),
            0
        ));
        assert_eq!(call.as_mut().await, Ok(7));
        assert!(matches!(call.timer, Timer::Unarmed));
    }

    #[tokio::test]
    async fn a_handler_that_waits_past_its_limit_is_abandoned_with_it() {
        let started = std::time::Instant::now();
        let outcome = Deadline::new(
            std::future::pending::<()>(),
            Some(Duration::from_millis(30)),
            0,
        )
        .await;
        assert_eq!(outcome, Err(Duration::from_millis(30)));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[tokio::test]
    async fn the_limit_counts_from_the_call_not_from_the_first_wait() {
        // 20 ms of work in the first poll, then a wait: the timer still ends 30 ms after the call.
        let busy_then_wait = std::future::poll_fn(|_| {
            std::thread::sleep(Duration::from_millis(20));
            Poll::<()>::Pending
        });
        let mut call = std::pin::pin!(Deadline::new(
            busy_then_wait,
            Some(Duration::from_millis(30)),
            0
        ));
        let started = call.started;
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        match &call.timer {
            Timer::Armed(sleep, given) => {
                assert_eq!(sleep.deadline(), started + Duration::from_millis(30));
                assert_eq!(*given, Duration::from_millis(30));
            }
            _ => panic!("the first wait arms the timer"),
        }
    }

    #[tokio::test]
    async fn lambdas_own_deadline_bounds_a_handler_without_a_limit() {
        let soon = SystemTime::now() + DEADLINE_MARGIN + Duration::from_millis(40);
        let lambda_deadline = soon.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        let outcome = Deadline::new(std::future::pending::<()>(), None, lambda_deadline).await;
        let limit = outcome.unwrap_err();
        assert!(limit <= Duration::from_millis(40), "{limit:?}");
        let mut call = std::pin::pin!(Deadline::new(std::future::pending::<()>(), None, 0));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        assert!(matches!(call.timer, Timer::None), "no limit, no timer");
    }

    #[test]
    fn panic_messages_are_read_from_both_payload_kinds() {
        let literal = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        assert_eq!(panic_message(&*literal), "boom");
        let formatted = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(panic_message(&*formatted), "boom 7");
        let other = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(panic_message(&*other), "a non-string panic payload");
    }

    /// A record of the batch tests: what its call does.
    #[derive(Clone, Copy, Debug)]
    enum Record {
        Ok(u32),
        Fail(u32),
        PanicAtOnce,
        PanicLater,
        Hang,
    }

    async fn process(
        record: Record,
        running: &AtomicUsize,
        peak: &AtomicUsize,
    ) -> Result<u32, u32> {
        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(10)).await;
        running.fetch_sub(1, Ordering::SeqCst);
        match record {
            Record::Ok(n) => Ok(n),
            Record::Fail(n) => Err(n),
            Record::PanicLater => panic!("record panics"),
            Record::Hang => std::future::pending().await,
            Record::PanicAtOnce => unreachable!("panics before its future is made"),
        }
    }

    /// Runs `records` through [`each`] with a 200 ms limit a record; the calls and the most
    /// that ran at once.
    async fn batch(
        records: &[Record],
        schedule: Schedule,
    ) -> (Vec<Option<Called<Result<u32, u32>>>>, usize) {
        let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let calls = each(
            records.to_vec(),
            schedule,
            Some(Duration::from_millis(200)),
            0,
            |record| {
                if let Record::PanicAtOnce = record {
                    panic!("record panics at once");
                }
                process(record, &running, &peak)
            },
            |called| !matches!(called, Called::Returned(Ok(_))),
        )
        .await;
        (calls, peak.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn every_record_is_called_and_answered_in_order_up_to_the_limit_at_once() {
        let records: Vec<Record> = (0..7).map(Record::Ok).collect();
        let (calls, peak) = batch(&records, Schedule::AtOnce(3)).await;
        let expected: Vec<_> = (0..7).map(|n| Some(Called::Returned(Ok(n)))).collect();
        assert_eq!(calls, expected);
        assert_eq!(peak, 3, "three at once, never more");
    }

    #[tokio::test]
    async fn each_records_failure_panic_and_deadline_is_its_own() {
        let records = [
            Record::Ok(1),
            Record::Fail(2),
            Record::PanicAtOnce,
            Record::PanicLater,
            Record::Hang,
            Record::Ok(6),
        ];
        let (calls, _) = batch(&records, Schedule::AtOnce(10)).await;
        assert_eq!(
            calls,
            [
                Some(Called::Returned(Ok(1))),
                Some(Called::Returned(Err(2))),
                Some(Called::Panicked("record panics at once".into())),
                Some(Called::Panicked("record panics".into())),
                Some(Called::TimedOut(Duration::from_millis(200))),
                Some(Called::Returned(Ok(6))),
            ]
        );
    }

    #[tokio::test]
    async fn an_ordered_batch_runs_one_at_a_time_and_stops_at_the_first_failure() {
        let records = [
            Record::Ok(1),
            Record::Ok(2),
            Record::Fail(3),
            Record::Ok(4),
            Record::Ok(5),
        ];
        let (calls, peak) = batch(&records, Schedule::InOrder).await;
        assert_eq!(
            calls,
            [
                Some(Called::Returned(Ok(1))),
                Some(Called::Returned(Ok(2))),
                Some(Called::Returned(Err(3))),
                None,
                None,
            ]
        );
        assert_eq!(peak, 1);
        let (calls, _) = batch(
            &[Record::Ok(1), Record::PanicLater, Record::Ok(3)],
            Schedule::InOrder,
        )
        .await;
        assert_eq!(
            calls[2], None,
            "a panic stops an ordered batch too: {calls:?}"
        );
    }

    #[tokio::test]
    async fn records_still_running_near_lambdas_deadline_time_out_before_it() {
        let soon = SystemTime::now() + DEADLINE_MARGIN + BATCH_MARGIN + Duration::from_millis(60);
        let lambda_deadline = soon.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        let started = std::time::Instant::now();
        let calls = each(
            vec![(), ()],
            Schedule::AtOnce(2),
            None,
            lambda_deadline,
            |()| std::future::pending::<()>(),
            |_| true,
        )
        .await;
        assert!(
            calls
                .iter()
                .all(|call| matches!(call, Some(Called::TimedOut(_)))),
            "{calls:?}"
        );
        let left = Duration::from_millis(lambda_deadline)
            .saturating_sub(SystemTime::now().duration_since(UNIX_EPOCH).unwrap());
        assert!(
            left >= BATCH_MARGIN,
            "answered {left:?} before Lambda's deadline, after {:?}",
            started.elapsed()
        );
    }
}
