//! `/openapi.json` is OpenAPI 3 and matches what the server does: every documented operation exists and
//! answers with a documented status, every error is a problem document, and every schema reference resolves.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use common::*;
use serde_json::{Value, json};

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    if let Some(s) = x.as_str() {
                        out.push(s);
                    }
                } else {
                    refs(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_document_matches_the_server() {
    let platform = platform().await;
    let url = platform.url();
    let client = http();
    let doc: Value = client.get(format!("{url}/openapi.json")).send().await.expect("get").json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "OpenAPI 3: {}", doc["openapi"]);
    assert_eq!(doc, serde_json::to_value(onego_platform::openapi()).expect("value"), "served = generated");

    let mut all_refs = Vec::new();
    refs(&doc, &mut all_refs);
    assert!(!all_refs.is_empty());
    for r in all_refs {
        let name = r.strip_prefix("#/components/schemas/").expect("local schema ref");
        assert!(doc["components"]["schemas"][name].is_object(), "dangling $ref {r}");
    }

    let login = token_response(&url, CITIZEN, "citizen").await;
    let token = login["access_token"].as_str().expect("token").to_owned();
    let me: Value =
        client.get(format!("{url}/v1/me")).bearer_auth(&token).send().await.expect("me").json().await.expect("json");
    let subject = me["subject"].as_str().expect("subject").to_owned();
    let licences: Value = client
        .get(format!("{url}/v1/licences"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("licences")
        .json()
        .await
        .expect("json");
    let licence_id = licences[0]["licence_id"].as_str().expect("a licence").to_owned();
    let slug = licences[0]["issuer"].as_str().and_then(|i| i.rsplit('/').next()).expect("issuer slug").to_owned();

    let paths = doc["paths"].as_object().expect("paths");
    // Generated clients name methods after operation ids: each must be unique.
    let mut ids: Vec<&str> = paths
        .values()
        .flat_map(|ops| ops.as_object().expect("ops").values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
    let expected = [
        "/v1/health",
        "/v1/catalog",
        "/v1/auth/otp",
        "/v1/auth/token",
        "/v1/me",
        "/v1/profiles/{subject}",
        "/v1/trust-list",
        "/.well-known/jwt-vc-issuer/issuers/{slug}",
        "/v1/status-lists/{slug}",
        "/v1/licences",
        "/v1/credentials/nonce",
        "/v1/credentials",
        "/v1/staff/licences/{licence_id}/status",
        "/v1/events",
        "/v1/events/stream",
        "/v1/delegations",
        "/v1/delegations/{id}",
        "/v1/plan",
        "/v1/applications",
        "/v1/applications/{id}",
        "/v1/applications/{id}/supplement",
        "/v1/staff/queue",
        "/v1/staff/applications/{id}/matters/{matter_id}",
        "/v1/reviews",
        "/v1/reviews/{id}/follow-up",
        "/v1/reviews/{id}/appeal",
        "/v1/satisfaction",
        "/v1/staff/reviews",
        "/v1/staff/reviews/{id}/steps",
    ];
    for p in expected {
        assert!(paths.contains_key(p), "{p} documented");
    }
    let mut checked = 0;
    for (path, ops) in paths {
        for (method, op) in ops.as_object().expect("ops") {
            let concrete =
                path.replace("{subject}", &subject).replace("{slug}", &slug).replace("{licence_id}", &licence_id);
            let documented: Vec<u16> =
                op["responses"].as_object().expect("responses").keys().filter_map(|k| k.parse().ok()).collect();
            let body = match path.as_str() {
                "/v1/auth/otp" => json!({"phone": "13800000011", "kind": "citizen"}),
                "/v1/auth/token" => json!({"grant_type": "otp", "phone": CITIZEN, "code": CODE, "kind": "citizen"}),
                _ => json!({}),
            };
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().expect("param name");
                if param["in"] == "path" {
                    assert!(path.contains(&format!("{{{name}}}")), "{path}: path parameter {name} not in the template");
                }
            }
            let secured = op.get("security").is_some();
            for authed in [true, false] {
                let mut req =
                    client.request(method.to_uppercase().parse().expect("method"), format!("{url}{concrete}"));
                if method == "post" {
                    req = req.json(&body);
                }
                if authed {
                    req = req.bearer_auth(&token);
                }
                let res = req.send().await.expect("send");
                let status = res.status().as_u16();
                assert!(documented.contains(&status), "{method} {path} (auth {authed}) answered undocumented {status}");
                if !authed && secured {
                    assert_eq!(status, 401, "{method} {path} requires a token");
                }
                if status >= 400 {
                    assert_eq!(res.headers()["content-type"], "application/problem+json", "{method} {path}");
                }
                checked += 1;
                if !secured {
                    break;
                }
            }
        }
    }
    assert!(checked >= 17, "checked {checked} requests");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_is_a_problem_document() {
    let platform = platform().await;
    let url = platform.url();
    let client = http();
    let cases = [
        (client.get(format!("{url}/no/such/thing")), 404, "not_found"),
        (client.get(format!("{url}/v1/catalog?since=abc")), 400, "bad_request"),
        (
            client.post(format!("{url}/v1/auth/otp")).header("content-type", "application/json").body("{"),
            400,
            "bad_request",
        ),
        (
            client.post(format!("{url}/v1/auth/otp")).json(&json!({"phone": "123", "kind": "citizen"})),
            422,
            "validation",
        ),
        (client.post(format!("{url}/v1/auth/token")).json(&json!({"grant_type": "password"})), 400, "bad_request"),
        (client.get(format!("{url}/v1/me")), 401, "unauthenticated"),
        (client.get(format!("{url}/v1/me")).bearer_auth("forged"), 401, "invalid_token"),
    ];
    for (req, status, code) in cases {
        let res = req.send().await.expect("send");
        assert_eq!(res.status().as_u16(), status);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p: Value = res.json().await.expect("problem json");
        assert_eq!(p["code"], code);
        assert_eq!(p["status"], status);
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_method_is_a_problem_document_too() {
    let platform = platform().await;
    let res = http().delete(format!("{}/v1/catalog", platform.url())).send().await.expect("send");
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}
