//! placeholder
use proc_macro::TokenStream;
#[proc_macro_attribute]
pub fn connect_handler(_a: TokenStream, i: TokenStream) -> TokenStream {
    i
}
#[proc_macro_derive(ConnectResponse, attributes(connect))]
pub fn derive_connect_response(_i: TokenStream) -> TokenStream {
    TokenStream::new()
}
