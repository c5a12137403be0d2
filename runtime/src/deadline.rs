//! The two pieces every call of a handler's function runs under: its deadline (the caller's
//! own limit, or what Lambda has left, whichever comes first) and the text of a caught panic.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
}
