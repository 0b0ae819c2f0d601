//! The description's frame: title, security scheme, and the answers every
//! operation shares (400, 401, 429, 500 as problem JSON), added to each
//! operation here once instead of in every handler's attribute, and the
//! `RateLimit-*` headers on every answer that carries them (all but 401:
//! the budget is a token's, and a refused token has none).

use utoipa::OpenApi;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

use crate::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ScratchRobin team API",
        description = "Links between database objects and issues, the issue cache, syncs, webhook deliveries, auto-issues and integration health. Send `Authorization: Bearer TOKEN` (`scratchrobin api token create`). Errors are RFC 9457 problem JSON; lists are cursor-paged."
    ),
    components(schemas(Problem)),
    tags(
        (name = "links"), (name = "issues"), (name = "sync"), (name = "webhooks"),
        (name = "auto-issues"), (name = "health"), (name = "reports")
    )
)]
struct Base;

pub fn base() -> utoipa::openapi::OpenApi {
    Base::openapi()
}

/// Adds the bearer scheme and the shared answers to every operation.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
    );
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            shared_answers(op);
        }
    }
    doc
}

fn shared_answers(op: &mut Operation) {
    op.security = Some(vec![SecurityRequirement::new(
        "token",
        Vec::<String>::new(),
    )]);
    for (status, what) in [
        (
            "400",
            "The request is malformed (a parameter, the cursor or the body)",
        ),
        (
            "401",
            "No token, or a token that is unknown, revoked or expired",
        ),
        (
            "429",
            "The token's request budget is spent; see Retry-After",
        ),
        ("500", "The server failed; the detail says why"),
    ] {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(what));
    }
    for (status, response) in op.responses.responses.iter_mut() {
        if let (false, RefOr::T(response)) = (status == "401", response) {
            rate_limit_headers(response);
        }
    }
}

/// The budget headers `auth` sets (draft-ietf-httpapi-ratelimit-headers).
/// An answer the server failed before the token was read (a store outage)
/// has none, which a header's description allows: headers here are never
/// required.
fn rate_limit_headers(response: &mut utoipa::openapi::Response) {
    for (name, what) in [
        ("RateLimit-Limit", "Requests the token may make per minute"),
        ("RateLimit-Remaining", "Requests left in the current window"),
        ("RateLimit-Reset", "Seconds until the budget is full again"),
    ] {
        response.headers.insert(
            name.to_owned(),
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some(what))
                .build(),
        );
    }
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}
