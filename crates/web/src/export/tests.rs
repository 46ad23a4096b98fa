use std::collections::BTreeSet;

use super::*;

/// The names of every field, at any depth, that `schema` describes.
fn fields(doc: &Value, schema: &Value, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 12 {
        return;
    }
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        fields(doc, &doc["components"]["schemas"][name], out, depth + 1);
    }
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            out.insert(name.clone());
            fields(doc, property, out, depth + 1);
        }
    }
    fields(doc, &schema["items"], out, depth + 1);
    for key in ["oneOf", "allOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            fields(doc, part, out, depth + 1);
        }
    }
}

#[test]
fn every_field_of_the_main_lists_and_the_figures_has_a_title() {
    let doc = serde_json::to_value(crate::openapi()).unwrap();
    let mut names = BTreeSet::new();
    for path in [
        "/api/v1/tickets",
        "/api/v1/residents",
        "/api/v1/staff",
        "/api/v1/conversations",
        "/api/v1/kb/articles",
        "/api/v1/announcements",
        "/api/v1/metrics/service",
        "/api/v1/metrics/trend",
        "/api/v1/scorecards",
    ] {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{path}");
        fields(&doc, schema, &mut names, 0);
    }
    assert!(
        names.contains("phone") && names.contains("closed_loop_rate"),
        "{names:?}"
    );
    let untitled: Vec<&String> = names
        .iter()
        .filter(|name| crate::words::column_title(Lang::Zh, name).is_none())
        .collect();
    assert!(untitled.is_empty(), "no column title for {untitled:?}");
    for name in &names {
        let zh = crate::words::column_title(Lang::Zh, name).unwrap_or_default();
        let en = crate::words::column_title(Lang::En, name).unwrap_or_default();
        assert!(!en.is_empty() && en.is_ascii(), "{name}: {en}");
        assert!(!zh.is_empty(), "{name}");
    }
}

#[test]
fn lists_and_figures_export_and_the_rest_does_not() {
    let (_, doc, Routes(routes)) = crate::api();
    let shape = |path: &str| routes.get(path).map(|e| e.shape);
    assert_eq!(shape("/api/v1/tickets"), Some(Shape::List));
    assert_eq!(shape("/api/v1/residents"), Some(Shape::List));
    assert_eq!(shape("/api/v1/metrics/service"), Some(Shape::Figures));
    // Columns come in the order the API declares its fields, nested ones in place.
    let tickets = &routes["/api/v1/tickets"].fields;
    assert_eq!(tickets[..3], ["id", "number", "kind"]);
    let at = |f: &str| tickets.iter().position(|t| t == f).unwrap();
    assert!(at("contact.phone") < at("title"), "{tickets:?}");
    let figures = &routes["/api/v1/metrics/service"].fields;
    assert_eq!(figures[0], "tickets", "{figures:?}");
    // One ticket is not a list; these two answer a sheet of their own.
    for path in [
        "/api/v1/tickets/{id}",
        "/api/v1/hotline/orders",
        "/api/v1/kb/articles",
    ] {
        assert!(!routes.contains_key(path), "{path}");
    }
    // The document says so where it is taken, once.
    let json = serde_json::to_value(&doc).unwrap();
    let tickets = &json["paths"]["/api/v1/tickets"]["get"];
    let formats = tickets["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == FORMAT)
        .count();
    assert_eq!(formats, 1);
    assert!(tickets["responses"]["200"]["content"][XLSX].is_object());
    let one = &json["paths"]["/api/v1/tickets/{id}"]["get"];
    assert!(one["responses"]["200"]["content"][XLSX].is_null());
}

#[test]
fn files_are_named_after_their_endpoint() {
    assert_eq!(file_name("/api/v1/tickets"), "tickets");
    assert_eq!(file_name("/api/v1/metrics/service"), "metrics-service");
    assert_eq!(
        file_name("/api/v1/projects/{id}/buildings"),
        "projects-buildings"
    );
}
