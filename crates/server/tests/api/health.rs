//! Liveness and the API description.

use crate::helpers::spawn_app;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn health_answers_ok_with_a_database_round_trip() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/health")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.state.backend.name());
}

#[tokio::test]
async fn the_openapi_document_lists_the_endpoints() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/openapi.json")).send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.expect("JSON");
    let paths = doc["paths"].as_object().expect("paths");
    for path in ["/api/v1/auth/login", "/api/v1/auth/request-code", "/api/v1/contacts", "/api/v1/ws", "/health"] {
        assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys().collect::<Vec<_>>());
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    // Every secured operation documents 401 and 403, every one 400, every body 413.
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            operations += 1;
            let has = |status: &str| op["responses"].get(status).is_some();
            assert!(has("400"), "{method} {path}: 400");
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401") && has("403"), "{method} {path}: 401/403");
            }
            if op.get("requestBody").is_some() {
                assert!(has("413"), "{method} {path}: 413");
            }
        }
    }
    assert!(operations > 40, "{operations} operations");
}
