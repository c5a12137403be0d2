//! `#[derive(ConnectResponse)]`: read serde's names, apply the naming rules, probe each
//! field's type for flatness (and each flattened field's type for being a response whose own
//! derive checked its names), and implement the trait.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::ctxt::Errors;
use crate::rules;

/// One field as serde will serialize it.
struct Field<'a> {
    ty: &'a syn::Type,
    /// The serialized name, and the token that decided it (the ident, or the `rename` literal).
    name: String,
    name_span: Span,
    /// Serialized by a user function: its type says nothing of the value written.
    opaque: bool,
    /// `#[serde(flatten)]`: no name of its own; its type's fields become top-level names.
    flatten: bool,
    skipped: bool,
}

pub(crate) fn expand(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let json = connect_json(input, &mut errors);
    let rename_all = serde_rename_all(&input.attrs);
    let fields = match &input.data {
        Data::Struct(syn::DataStruct {
            fields: Fields::Named(named),
            ..
        }) => named
            .named
            .iter()
            .filter_map(|field| read_field(field, rename_all.as_deref(), &mut errors))
            .collect(),
        _ => {
            errors.spanned(
                &input.ident,
                "`#[derive(ConnectResponse)]` needs a struct with named fields: Amazon Connect reads the \
                 response as an object of named values",
            );
            Vec::new()
        }
    };
    for field in fields
        .iter()
        .filter(|field| !field.skipped && !field.flatten)
    {
        check_status_code(field, &mut errors);
        check_error_carrier(field, &mut errors);
        check_found(field, &mut errors);
    }
    let mut tokens = implementation(input, json, &fields);
    tokens.extend(errors.to_compile_errors());
    tokens
}

/// A field named as an HTTP status turns a success into a fake failure Connect never sees.
fn check_status_code(field: &Field, errors: &mut Errors) {
    if rules::is_status_code(&field.name) {
        errors.at(
            field.name_span,
            format!(
                "`{}` is an HTTP status, but Amazon Connect is not an HTTP client: any object the Lambda returns \
                 is a success to it, so no alarm fires and the flow must rediscover the failure. Return `Err(..)` \
                 for failures (the contact takes the block's Error branch), and `Option<T>` for a missing record \
                 (the flow branches on `found`)",
                field.name
            ),
        );
    }
}

/// A field named as an error carrier hides a failure inside a success.
fn check_error_carrier(field: &Field, errors: &mut Errors) {
    if rules::is_error_carrier(&field.name) {
        errors.at(
            field.name_span,
            format!(
                "`{}` carries an error inside a successful response, which Amazon Connect treats as a success: \
                 return `Err(..)` from the handler instead, so the contact takes the block's Error branch and \
                 Lambda's error metrics count it",
                field.name
            ),
        );
    }
}

/// A field serialized as `found` clashes with `Option<T>`'s flag. Reserved whether or not the
/// type is ever returned as `Option<..>`, which the derive cannot see: so the error is at the
/// field, for every use (see `ConnectResponse`'s documentation).
fn check_found(field: &Field, errors: &mut Errors) {
    if rules::is_found(&field.name) {
        errors.at(
            field.name_span,
            "`found` is reserved for the flag that returning `Option<T>` adds (`\"found\": \"true\"` or \
             `\"false\"`), which this field would clash with: return `Option<..>` of this type and let the flag \
             say whether the record exists, or serialize the field under another name \
             (`#[serde(rename = \"..\")]`)",
        );
    }
}

fn implementation(input: &DeriveInput, json: bool, fields: &[Field]) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let private = quote!(::lambda_contract::__private);
    let encode = if json {
        quote!(json)
    } else {
        quote!(string_map)
    };
    // Each probe is spanned at its field's type, so a nested type is reported there. A
    // flattened field's names are its type's: that type must be a response, checked by its
    // own derive (or a map, checked key by key when sent).
    let probes = fields
        .iter()
        .filter(|field| !field.skipped)
        .filter_map(|field| {
            let ty = field.ty;
            if field.flatten {
                Some(quote_spanned!(ty.span()=> <#ty as #private::connect::FlattenedResponse>::assert_flattened();))
            } else if !json && !field.opaque {
                Some(quote_spanned!(ty.span()=> <#ty as #private::connect::ConnectScalar>::assert_scalar();))
            } else {
                None
            }
        });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::lambda_contract::ConnectResponse for #name #ty_generics #where_clause {
            fn encode_response(&self, found: bool) -> #private::connect::Encoded {
                #private::connect::#encode(self, found)
            }
        }

        const _: () = {
            #[allow(dead_code, clippy::extra_unused_type_parameters)]
            fn assert_fields_are_flat #impl_generics () #where_clause {
                #(#probes)*
            }
        };
    }
}

/// `#[connect(json)]` on the type.
fn connect_json(input: &DeriveInput, errors: &mut Errors) -> bool {
    let mut json = false;
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("connect"))
    {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("json") {
                json = true;
                Ok(())
            } else {
                Err(meta.error("unknown `connect` option; expected `json` (`#[connect(json)]`)"))
            }
        });
        if let Err(error) = result {
            errors.push(error);
        }
    }
    json
}

/// `#[serde(rename_all = "..")]` or `#[serde(rename_all(serialize = ".."))]` on the type.
fn serde_rename_all(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rule = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename_all") {
                if let Some(value) = serialize_name(&meta)? {
                    rule = Some(value.value());
                }
                Ok(())
            } else {
                skip(&meta)
            }
        });
        // serde reports its own syntax errors; only what we read is ours to report.
        let _ = result;
    }
    rule
}

fn read_field<'a>(
    field: &'a syn::Field,
    rename_all: Option<&str>,
    errors: &mut Errors,
) -> Option<Field<'a>> {
    let ident = field.ident.as_ref()?;
    let raw = ident.to_string();
    let base = raw.strip_prefix("r#").unwrap_or(&raw).to_owned();
    let mut name = rename_all
        .and_then(|rule| rules::rename_all(rule, &base))
        .unwrap_or(base);
    let mut name_span = ident.span();
    let mut opaque = false;
    let mut flatten = false;
    let mut skipped = false;
    for attr in &field.attrs {
        if attr.path().is_ident("connect") {
            errors.spanned(
                attr,
                "`#[connect(..)]` goes on the response type, not on a field",
            );
            continue;
        }
        if !attr.path().is_ident("serde") {
            continue;
        }
        let _ = attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            if path.is_ident("rename") {
                if let Some(value) = serialize_name(&meta)? {
                    name = value.value();
                    name_span = value.span();
                }
                Ok(())
            } else if path.is_ident("skip") || path.is_ident("skip_serializing") {
                skipped = true;
                Ok(())
            } else if path.is_ident("flatten") {
                flatten = true;
                skip(&meta)
            } else if path.is_ident("serialize_with") || path.is_ident("with") {
                opaque = true;
                skip(&meta)
            } else {
                skip(&meta)
            }
        });
    }
    Some(Field {
        ty: &field.ty,
        name,
        name_span,
        opaque,
        flatten,
        skipped,
    })
}

/// The serialize-side name of `key = ".."` or `key(serialize = "..", deserialize = "..")`.
fn serialize_name(meta: &syn::meta::ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(syn::Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            name = Some(inner.value()?.parse()?);
            Ok(())
        } else {
            skip(&inner)
        }
    })?;
    Ok(name)
}

/// Consumes a serde option we do not read (`default`, `bound = ".."`, `tag(..)`...).
fn skip(meta: &syn::meta::ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip(&inner))?;
    }
    Ok(())
}
