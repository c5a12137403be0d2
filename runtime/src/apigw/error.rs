//! [`ApiError`]: a failure together with the HTTP status it means, told to the client as an
//! RFC 9457 problem (`application/problem+json`).

use std::fmt;

use http::StatusCode;

/// The `detail` every 5xx problem carries instead of the error's own text, which is only logged.
pub const SERVER_ERROR_DETAIL: &str =
    "The server could not complete the request; quote the requestId when reporting it.";

/// The error type a boxed `dyn Error` converts from (`lambda_contract::Error`).
type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A failed request, with the status it means.
///
/// The client receives an RFC 9457 problem:
/// `{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "..", "requestId": ".."}`.
///
/// - A 4xx `detail` is the text given here: say what the client should change.
/// - A 5xx `detail` is always a generic text ([`SERVER_ERROR_DETAIL`]). The text given here and
///   the error's source chain are logged once, with the request id, the method and the path,
///   and never sent.
///
/// Any `std::error::Error + Send + Sync + 'static` converts into a 500 with `?`, as does, with
/// the `anyhow` feature, an `anyhow::Error`; a boxed `lambda_contract::Error` converts with
/// [`ApiError::from_boxed`]. That blanket conversion is why `ApiError` itself implements only
/// `Display` and `Debug`, not `std::error::Error` (the same trick `anyhow::Error` uses).
///
/// ```
/// use lambda_contract::apigw::{ApiError, StatusCode};
///
/// fn find(id: u32) -> Result<&'static str, ApiError> {
///     match id {
///         1 => Ok("Ada"),
///         _ => Err(ApiError::not_found(format!("no user {id}"))),
///     }
/// }
///
/// fn read_config() -> Result<String, ApiError> {
///     // An I/O failure is a 500: its text is logged, the client sees a generic detail.
///     Ok(std::fs::read_to_string("/nonexistent/config")?)
/// }
///
/// assert_eq!(find(2).unwrap_err().status(), StatusCode::NOT_FOUND);
/// assert_eq!(read_config().unwrap_err().status(), StatusCode::INTERNAL_SERVER_ERROR);
/// ```
pub struct ApiError {
    status: StatusCode,
    detail: String,
    source: Option<BoxError>,
    /// The source is the error itself (`detail` is its text), not a cause given to it.
    converted: bool,
    type_name: &'static str,
    headers: Vec<(String, String)>,
}

impl ApiError {
    /// An error with the given status and detail.
    ///
    /// A status that is not an error (below 400 or above 599) is a programming mistake: it is
    /// turned into a 500, whose logged detail names the status given.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let (status, detail) = if status.is_client_error() || status.is_server_error() {
            (status, detail)
        } else {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("ApiError::new was given the non-error status {status}: {detail}"),
            )
        };
        ApiError {
            status,
            detail,
            source: None,
            converted: false,
            type_name: "ApiError",
            headers: Vec::new(),
        }
    }

    /// 400 Bad Request: the request is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    /// 401 Unauthorized: the request lacks valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    /// 403 Forbidden: the credentials do not allow this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    /// 404 Not Found.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// 409 Conflict: the request conflicts with the resource's current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    /// 422 Unprocessable Content: well-formed, but semantically wrong.
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    }

    /// 429 Too Many Requests.
    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, detail)
    }

    /// 500 Internal Server Error. The detail is logged, never sent.
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, detail)
    }

    /// Adds a header to the problem response (`www-authenticate` on a 401, `retry-after` on a
    /// 429). A header that is not valid HTTP is dropped and logged.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Keeps `source` as the error's cause: its chain is logged with the error.
    pub fn with_source<E: std::error::Error + Send + Sync + 'static>(mut self, source: E) -> Self {
        self.source = Some(Box::new(source));
        self.converted = false;
        self
    }

    /// The status the client receives.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The detail given. A 4xx sends it; a 5xx only logs it.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Names the failure in the logs (`errorType`-like): `HandlerPanicked`, `HandlerTimedOut`.
    pub(crate) fn named(mut self, type_name: &'static str) -> Self {
        self.type_name = type_name;
        self
    }

    pub(crate) fn type_name(&self) -> &'static str {
        self.type_name
    }

    pub(crate) fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The detail the client may see: the given text for a 4xx, a generic one for a 5xx.
    pub(crate) fn public_detail(&self) -> &str {
        if self.status.is_server_error() {
            SERVER_ERROR_DETAIL
        } else {
            &self.detail
        }
    }

    /// The causes of the error, joined with `: `, for the logs beside [`detail`](Self::detail);
    /// `None` when there are none.
    pub(crate) fn sources(&self) -> Option<String> {
        let source = self.source.as_deref()?;
        if self.converted {
            crate::error_sources(source)
        } else {
            Some(crate::error_chain(source))
        }
    }

    /// A handler's panic: a 500 whose text is logged, never sent.
    pub(crate) fn panicked(message: &str) -> Self {
        ApiError::internal(crate::deadline::panicked(message)).named("HandlerPanicked")
    }

    /// A handler abandoned at Lambda's deadline (API Gateway has no limit of its own in the
    /// code): a 504.
    pub(crate) fn timed_out(limit: std::time::Duration) -> Self {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            format!(
                "{} (Lambda's remaining time)",
                crate::deadline::abandoned(limit)
            ),
        )
        .named("HandlerTimedOut")
    }

    /// A response over Lambda's synchronous limit: a 500.
    pub(crate) fn too_large(bytes: usize) -> Self {
        ApiError::internal(format!(
            "the response is {bytes} bytes serialized; Lambda's synchronous response limit is 6 MB \
             ({} bytes)",
            super::MAX_RESPONSE_BYTES
        ))
        .named("ResponseTooLarge")
    }

    /// The RFC 9457 problem the client gets, as JSON text: the given detail for a 4xx, the
    /// generic one for a 5xx, and the request id. The proxy integration sends it as the body,
    /// the custom integration in its error message.
    pub(crate) fn problem_json(&self, request_id: &str) -> String {
        serde_json::to_string(&Problem {
            kind: "about:blank",
            title: reason(self.status),
            status: self.status.as_u16(),
            detail: self.public_detail(),
            request_id,
        })
        .unwrap_or_default()
    }

    /// Logs the failure once, for both integrations: a 5xx as an error with its text and
    /// source chain (the client gets neither), a 4xx as a rejection. `request` is the method
    /// and path, where the integration knows them.
    pub(crate) fn log(&self, handler: &str, ids: RequestIds<'_>, request: Option<(&str, &str)>) {
        let status = self.status.as_u16();
        let display = tracing::field::display;
        let (method, path) = (request.map(|r| display(r.0)), request.map(|r| display(r.1)));
        if self.status.is_server_error() {
            tracing::error!(
                handler,
                request_id = %ids.request,
                lambda_request_id = ids.lambda.map(display),
                method,
                path,
                status,
                error_type = self.type_name(),
                error = %self.detail(),
                source_chain = self.sources(),
                "request failed; the client gets a {status} problem without the error's text"
            );
        } else {
            tracing::info!(
                handler,
                request_id = %ids.request,
                method,
                path,
                status,
                detail = %self.detail(),
                "request rejected"
            );
        }
    }

    /// A 500 from a boxed error (`lambda_contract::Error`), whose text and source chain are
    /// logged, never sent. (`?` cannot do this one: a boxed `dyn Error` is not itself a
    /// `std::error::Error`.)
    pub fn from_boxed(source: BoxError) -> Self {
        Self::boxed(source, "Error")
    }

    fn boxed(source: BoxError, type_name: &'static str) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: source.to_string(),
            source: Some(source),
            converted: true,
            type_name,
            headers: Vec::new(),
        }
    }
}

/// The ids a failure is logged with: the request's own (API Gateway's `requestContext`), and
/// Lambda's when it differs (`None` when it is the same, as for the custom integration).
#[derive(Clone, Copy)]
pub(crate) struct RequestIds<'a> {
    pub(crate) request: &'a str,
    pub(crate) lambda: Option<&'a str>,
}

/// A status's reason phrase, for a problem's `title` and an ALB `statusDescription`.
pub(crate) fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Unknown Status")
}

/// RFC 9457's members, and the request id as an extension member.
#[derive(serde::Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(rename = "requestId")]
    request_id: &'a str,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.detail)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("detail", &self.detail)
            .field("type_name", &self.type_name)
            .field("sources", &self.sources())
            .finish()
    }
}

#[cfg(not(feature = "anyhow"))]
impl<E: std::error::Error + Send + Sync + 'static> From<E> for ApiError {
    /// A 500 whose text and source chain are logged, never sent.
    fn from(error: E) -> Self {
        Self::boxed(Box::new(error), crate::short_type_name::<E>())
    }
}

/// With the `anyhow` feature the blanket conversion is over `Into<anyhow::Error>`, which every
/// `std::error::Error + Send + Sync + 'static` is too, so it only adds `anyhow::Error`. (A
/// separate `From<anyhow::Error>` would conflict with the blanket: anyhow may one day implement
/// `std::error::Error`.)
#[cfg(feature = "anyhow")]
impl<E: Into<anyhow::Error>> From<E> for ApiError {
    /// A 500 whose text and source (or context) chain are logged, never sent.
    fn from(error: E) -> Self {
        Self::boxed(error.into().into(), crate::short_type_name::<E>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("loading the account failed")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn constructors_set_their_status() {
        let cases = [
            (ApiError::bad_request("x"), 400),
            (ApiError::unauthorized("x"), 401),
            (ApiError::forbidden("x"), 403),
            (ApiError::not_found("x"), 404),
            (ApiError::conflict("x"), 409),
            (ApiError::unprocessable("x"), 422),
            (ApiError::too_many_requests("x"), 429),
            (ApiError::internal("x"), 500),
            (ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "x"), 503),
        ];
        for (error, status) in cases {
            assert_eq!(error.status().as_u16(), status, "{error:?}");
            assert_eq!(error.detail(), "x");
        }
    }

    #[test]
    fn a_non_error_status_becomes_a_500() {
        let error = ApiError::new(StatusCode::OK, "fine?");
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(error.detail().contains("200 OK"), "{}", error.detail());
        assert!(error.detail().ends_with("fine?"));
    }

    #[test]
    fn std_errors_become_500s_keeping_their_chain_for_the_logs() {
        let error = ApiError::from(Outer(std::io::Error::other("connection reset")));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.type_name(), "Outer");
        assert_eq!(error.detail(), "loading the account failed");
        assert_eq!(error.sources().as_deref(), Some("connection reset"));
        assert_eq!(error.public_detail(), SERVER_ERROR_DETAIL);
        assert!(!error.public_detail().contains("connection reset"));
    }

    #[test]
    fn std_and_boxed_errors_convert() {
        fn io() -> Result<(), ApiError> {
            Err(std::io::Error::other("disk"))?;
            Ok(())
        }
        fn fallible() -> Result<(), crate::Error> {
            Err("boxed failure".into())
        }
        fn boxed() -> Result<(), ApiError> {
            fallible().map_err(ApiError::from_boxed)?;
            Ok(())
        }
        assert_eq!(io().unwrap_err().detail(), "disk");
        let error = boxed().unwrap_err();
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.detail(), "boxed failure");
        assert_eq!(error.sources(), None);
    }

    #[test]
    fn client_errors_show_their_detail() {
        let error = ApiError::not_found("no user 7").with_header("x-a", "b");
        assert_eq!(error.public_detail(), "no user 7");
        assert_eq!(error.headers(), [("x-a".to_owned(), "b".to_owned())]);
        assert_eq!(error.to_string(), "404 Not Found: no user 7");
        let error = ApiError::bad_request("bad").with_source(std::io::Error::other("why"));
        assert_eq!(error.sources().as_deref(), Some("why"));
    }

    #[cfg(feature = "anyhow")]
    #[test]
    fn anyhow_errors_become_500s() {
        let error = ApiError::from(anyhow::anyhow!("inner").context("outer"));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(error.detail(), "outer");
        assert_eq!(error.sources().as_deref(), Some("inner"));
    }
}
