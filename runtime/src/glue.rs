//! What the generated glue of every caller shares. A caller's own module re-exports or
//! instantiates these under `__private::<caller>`; only the wording of its diagnostics is its
//! own, given here as the literals of `#[diagnostic::on_unimplemented]`.

/// Defines, in the calling module, `ContextParam`: the trait a Lambda context parameter's
/// type must implement (only `lambda_contract::Context` does), worded for that caller.
macro_rules! context_param {
    (message = $message:literal, note = $note:literal $(,)?) => {
        /// A Lambda context parameter's type: `lambda_contract::Context`.
        #[diagnostic::on_unimplemented(
                    message = $message,
                    label = "expected `lambda_contract::Context` (or `&S` for the init state)",
                    note = $note
                )]
        pub trait ContextParam {
            /// The parameter, from the invocation's context.
            fn from_context(context: &::lambda_runtime::Context) -> Self;
        }

        // The note names the one type that fits: no "implemented for" pointing into this macro.
        #[diagnostic::do_not_recommend]
        impl ContextParam for ::lambda_runtime::Context {
            fn from_context(context: &::lambda_runtime::Context) -> Self {
                context.clone()
            }
        }
    };
}
pub(crate) use context_param;

/// Defines, in the calling module, `HandlerError<M>`: what an API Gateway handler's `Err` must
/// convert into, [`ApiError`](crate::apigw::ApiError) (anything `Into<ApiError>`, marked
/// `ViaInto`; a boxed `dyn Error`, marked `ViaBox`), worded for that integration.
macro_rules! api_handler_error {
    (message = $message:literal, note = $note:literal $(,)?) => {
        /// An error the handler may return: anything that converts into `ApiError`
        /// (`M` = `ViaInto`), and `lambda_contract::Error` (`M` = `ViaBox`).
        #[diagnostic::on_unimplemented(
                            message = $message,
                            label = "not convertible into `lambda_contract::apigw::ApiError`",
                            note = $note
                        )]
        pub trait HandlerError<M = $crate::apigw::glue::ViaInto> {
            /// The error as the `ApiError` the client is told.
            fn into_api_error(self) -> $crate::apigw::ApiError;
        }

        // `do_not_recommend` on both: an error type that fits neither is reported as not a
        // `HandlerError`, with its note, not as a missing `From` or as a near miss on `ViaBox`.
        #[diagnostic::do_not_recommend]
        impl<E: Into<$crate::apigw::ApiError>> HandlerError<$crate::apigw::glue::ViaInto> for E {
            fn into_api_error(self) -> $crate::apigw::ApiError {
                self.into()
            }
        }

        #[diagnostic::do_not_recommend]
        impl HandlerError<$crate::apigw::glue::ViaBox>
            for Box<dyn std::error::Error + Send + Sync + 'static>
        {
            fn into_api_error(self) -> $crate::apigw::ApiError {
                $crate::apigw::ApiError::from_boxed(self)
            }
        }
    };
}
pub(crate) use api_handler_error;
