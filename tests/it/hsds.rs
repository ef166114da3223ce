//! HSDS 3.0 import and export against the official examples and schemas in
//! `../shared/hsds-3.0/` (read from there, never copied), bad input and its report, re-imports,
//! the read-only `/hsds/` API and the import pages. Each import goes into an organisation of its
//! own (directory rows are kept per organisation), so the demo's directory never interferes.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mainstay::directory::hsds::{
    self, HsdsImportMode, HsdsImportStatus, ImportFile, ImportOptions, ImportReport, Upload,
};
use mainstay::directory::hsds_tables;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use uuid::Uuid;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/hsds-3.0")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example(name: &str) -> Value {
    serde_json::from_slice(&read(&shared().join("examples").join(name))).expect("example JSON")
}

fn file(name: &str, bytes: impl Into<Vec<u8>>) -> Upload {
    Upload::File(ImportFile { name: name.into(), bytes: bytes.into() })
}

/// The official CSV package's tables (its datapackage.json is a link to the root descriptor).
fn csv_package_files() -> Vec<ImportFile> {
    let dir = shared().join("examples/csv");
    let mut files: Vec<ImportFile> = std::fs::read_dir(&dir)
        .expect("examples/csv")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| ImportFile { name: p.file_name().unwrap().to_string_lossy().into(), bytes: read(&p) })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn zip_of(files: &[ImportFile]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        writer.start_file(format!("package/{}", f.name), options).unwrap();
        writer.write_all(&f.bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.insert(entry.name().to_string(), data);
    }
    out
}

/// CSV rows as maps of the non-empty cells.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers.iter().cloned().zip(r.iter().map(str::to_string)).filter(|(_, v)| !v.is_empty()).collect()
        })
        .collect();
    (headers, rows)
}

async fn import_as(app: &TestApp, org: Uuid, upload: Upload, mode: HsdsImportMode) -> ImportReport {
    hsds::import(&app.db, org, upload, ImportOptions { mode, actor: None }, app.now()).await.expect("import runs")
}

async fn import(app: &TestApp, org: Uuid, upload: Upload) -> ImportReport {
    import_as(app, org, upload, HsdsImportMode::AllOrNothing).await
}

#[track_caller]
fn assert_applied(report: &ImportReport) {
    assert_eq!(report.status, HsdsImportStatus::Applied, "problems: {:#?}", report.problems);
    assert_eq!(report.errors, 0);
}

/// Where `expected` holds a non-null value that `actual` lacks or contradicts. Key order, integer
/// or float spelling, and array order (objects matched by id) are ignored; a number the example
/// writes where HSDS asks for text (tabular.json's identifiers) matches that text.
fn missing(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Null, _) => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                if value.is_null() {
                    continue;
                }
                match a.get(key) {
                    Some(found) => missing(value, found, &format!("{path}/{key}"), out),
                    None => out.push(format!("{path}/{key} is missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, item) in e.iter().enumerate() {
                let found = match item.get("id") {
                    Some(id) => a.iter().find(|x| x.get("id") == Some(id)),
                    None => a.get(i),
                };
                match found {
                    Some(found) => missing(item, found, &format!("{path}/{i}"), out),
                    None => out.push(format!("{path}/{i} (id {:?}) is missing", item.get("id"))),
                }
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
        (Value::Number(e), Value::String(a)) if e.to_string() == *a => {}
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: expected {e}, exported {a}")),
    }
}

#[track_caller]
fn assert_no_loss(expected: &Value, actual: &Value, what: &str) {
    let mut out = Vec::new();
    missing(expected, actual, "", &mut out);
    assert!(out.is_empty(), "{what} lost data:\n{}", out.join("\n"));
}

/// The CSV export's rows of one table, by id.
async fn exported_tables(app: &TestApp, org: Uuid) -> BTreeMap<String, HashMap<String, BTreeMap<String, String>>> {
    let zip = hsds::export_csv_zip(app.db.conn(), org, app.now()).await.expect("export");
    let files = unzip(&zip);
    let mut out = BTreeMap::new();
    for table in hsds_tables::tables() {
        let (headers, rows) = csv_rows(&files[table.csv]);
        let names: Vec<&str> = table.fields.iter().map(|f| f.name).collect();
        assert_eq!(headers, names, "{} header in HSDS order", table.csv);
        out.insert(table.csv.to_string(), rows.into_iter().map(|r| (r["id"].clone(), r)).collect());
    }
    out
}

/// The example's number (e.g. `100`) as exported to CSV (`100`), its text as is.
fn as_cell(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => mainstay::directory::rows::number(n.as_f64().unwrap()).to_string(),
        other => other.to_string(),
    }
}

// ---------- the official examples ----------

#[tokio::test]
async fn every_official_json_example_imports_and_exports_without_loss() {
    let app = TestApp::spawn().await;
    let conn = app.db.conn();
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(shared().join("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        seen.push(name.clone());
        let org = Uuid::new_v4();
        let report = import(&app, org, file(&name, read(&path))).await;
        let doc: Value = serde_json::from_slice(&read(&path)).unwrap();
        if name == "base.json" {
            assert_eq!(report.status, HsdsImportStatus::NoData, "{name}: {:#?}", report.problems);
            assert!(report.counts.is_empty());
            assert!(report.problems.iter().any(|p| p.code == "no-data"));
            continue;
        }
        assert_applied(&report);
        let id = |d: &Value| d["id"].as_str().unwrap().to_string();
        let contents: Vec<Value> = doc.get("contents").and_then(Value::as_array).cloned().unwrap_or_default();
        let ids: Vec<String> = contents.iter().map(id).collect();
        let exported: Vec<Value> = match name.as_str() {
            "service_full.json" => vec![hsds::service_document(conn, org, &id(&doc)).await.unwrap().unwrap()],
            "organization_full.json" => {
                vec![hsds::organization_document(conn, org, &id(&doc), true).await.unwrap().unwrap()]
            }
            "service_at_location_full.json" => {
                vec![hsds::service_at_location_document(conn, org, &id(&doc)).await.unwrap().unwrap()]
            }
            "location.json" => vec![hsds::location_document(conn, org, &id(&doc)).await.unwrap().unwrap()],
            "taxonomy.json" => vec![hsds::taxonomy_document(conn, org, &id(&doc)).await.unwrap().unwrap()],
            "taxonomy_term.json" => vec![hsds::taxonomy_term_document(conn, org, &id(&doc)).await.unwrap().unwrap()],
            "service_list.json" => hsds::service_list(conn, org, &ids).await.unwrap(),
            "organization_list.json" => hsds::organization_list(conn, org, &ids, false, false).await.unwrap(),
            "service_at_location_list.json" => hsds::service_at_location_list(conn, org, &ids, false).await.unwrap(),
            "taxonomy_list.json" => hsds::taxonomy_list(conn, org, &ids).await.unwrap(),
            "taxonomy_term_list.json" => hsds::taxonomy_term_list(conn, org, &ids).await.unwrap(),
            "tabular.json" => {
                let tables = exported_tables(&app, org).await;
                for (csv, rows) in doc.as_object().unwrap() {
                    for row in rows.as_array().unwrap() {
                        let got = &tables[csv][row["id"].as_str().unwrap()];
                        for (field, value) in row.as_object().unwrap().iter().filter(|(_, v)| !v.is_null()) {
                            assert_eq!(got.get(field), Some(&as_cell(value)), "tabular.json {csv} {field}");
                        }
                    }
                }
                continue;
            }
            other => panic!("an example this test does not know: {other}"),
        };
        let expected = if contents.is_empty() { vec![doc.clone()] } else { contents };
        assert_eq!(exported.len(), expected.len(), "{name}");
        for (e, a) in expected.iter().zip(&exported) {
            assert_no_loss(e, a, &name);
        }
        // Imported twice: the same rows, now counted as updated (and unchanged).
        let again = import(&app, org, file(&name, read(&path))).await;
        assert_applied(&again);
        assert_eq!(again.total(|c| c.added), 0, "{name}: {:?}", again.counts);
        assert_eq!(again.total(|c| c.updated), report.total(|c| c.added), "{name}");
        assert_eq!(again.total(|c| c.unchanged), again.total(|c| c.updated), "{name}");
    }
    seen.sort();
    assert_eq!(seen.len(), 13, "every JSON example was read: {seen:?}");
}

#[tokio::test]
async fn the_official_csv_package_imports_as_a_zip_or_a_folder_without_loss() {
    let app = TestApp::spawn().await;
    let files = csv_package_files();
    assert_eq!(files.len(), 21);
    for upload in [file("hsds-example.zip", zip_of(&files)), Upload::Folder(files.clone())] {
        let org = Uuid::new_v4();
        let report = import(&app, org, upload).await;
        assert_applied(&report);
        assert_eq!(report.format, "csv");
        assert_eq!(report.counts["service"].added, 1);
        // The example's own dangling links are noted, not refused.
        assert!(report.problems.iter().any(|p| p.code == "dangling-link" && p.file == "contacts.csv"));
        let tables = exported_tables(&app, org).await;
        for f in &files {
            let (_, rows) = csv_rows(&f.bytes);
            for row in rows {
                let got = &tables[&f.name][&row["id"]];
                for (field, value) in &row {
                    let expected = match hsds_tables::table_for_csv(&f.name).unwrap().field(field).unwrap().kind {
                        hsds_tables::FieldKind::Number => as_cell(&json!(value.parse::<f64>().unwrap())),
                        _ => value.clone(),
                    };
                    assert_eq!(got.get(field), Some(&expected), "{} {field}", f.name);
                }
            }
        }
    }
}

// ---------- schemas ----------

/// Resolves a `$ref` left in a schema from the local copy (never the network).
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(&self, uri: &jsonschema::Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.as_str().rsplit('/').next().unwrap_or_default().to_string();
        let path = shared().join("schema").join(&name);
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }
}

fn validator(relative: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_slice(&read(&shared().join("schema").join(relative))).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri("https://hsds.invalid/schema/")
        .with_retriever(LocalSchemas)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> =
        validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path().as_str())).take(20).collect();
    assert!(errors.is_empty(), "{what} does not validate:\n{}", errors.join("\n"));
}

#[tokio::test]
async fn exported_documents_validate_against_the_official_schemas() {
    let app = TestApp::spawn().await;
    let conn = app.db.conn();
    let service = validator("compiled/service.json");
    let service_list = validator("compiled/service_list.json");
    let organization = validator("compiled/organization.json");
    let organization_list = validator("compiled/organization_list.json");
    let sal = validator("compiled/service_at_location.json");
    let sal_list = validator("compiled/service_at_location_list.json");
    let taxonomy = validator("taxonomy.json");
    let term = validator("taxonomy_term.json");

    // The official full examples, re-exported.
    let org = Uuid::new_v4();
    for name in ["service_full.json", "organization_full.json", "service_at_location_full.json", "taxonomy_term.json"] {
        assert_applied(&import(&app, org, file(name, serde_json::to_vec(&example(name)).unwrap())).await);
    }
    let service_id = example("service_full.json")["id"].as_str().unwrap().to_string();
    let doc = hsds::service_document(conn, org, &service_id).await.unwrap().unwrap();
    assert_valid(&service, &doc, "the example service");
    let org_doc =
        hsds::organization_document(conn, org, example("organization_full.json")["id"].as_str().unwrap(), true)
            .await
            .unwrap()
            .unwrap();
    assert_valid(&organization, &org_doc, "the example organization");
    let sal_id = example("service_at_location_full.json")["id"].as_str().unwrap().to_string();
    let sal_doc = hsds::service_at_location_document(conn, org, &sal_id).await.unwrap().unwrap();
    assert_valid(&sal, &sal_doc, "the example service_at_location");
    assert_valid(&service_list, &hsds::service_list(conn, org, &[service_id]).await.unwrap()[0], "service list");
    assert_valid(&sal_list, &hsds::service_at_location_list(conn, org, &[sal_id], false).await.unwrap()[0], "sal list");
    let term_id = example("taxonomy_term.json")["id"].as_str().unwrap().to_string();
    assert_valid(&term, &hsds::taxonomy_term_document(conn, org, &term_id).await.unwrap().unwrap(), "term");
    let taxonomy_id = example("taxonomy.json")["id"].as_str().unwrap().to_string();
    assert_valid(&taxonomy, &hsds::taxonomy_document(conn, org, &taxonomy_id).await.unwrap().unwrap(), "taxonomy");

    // A synthetic directory (every table, many shapes), through a CSV package, exported as JSON.
    let org = Uuid::new_v4();
    let directory = mainstay::directory::synthetic::generate(60, 3, app.now().date());
    let package = hsds::write_csv_package(&directory.by_name(), app.now()).unwrap();
    let report = import(&app, org, file("synthetic.zip", package)).await;
    assert_applied(&report);
    assert_eq!(report.counts["service"].added, 60);
    let exported: Vec<Value> = serde_json::from_slice(&hsds::export_json(conn, org).await.unwrap()).unwrap();
    assert_eq!(exported.len(), 60);
    for doc in &exported {
        assert_valid(&service, doc, &format!("synthetic service {}", doc["name"]));
    }
    let orgs = hsds::page_ids(conn, org, hsds_tables::table("organization").unwrap(), &Default::default(), 5, 0)
        .await
        .unwrap();
    for doc in hsds::organization_list(conn, org, &orgs.ids, true, true).await.unwrap() {
        assert_valid(&organization, &doc, "synthetic organization");
    }
    for doc in hsds::organization_list(conn, org, &orgs.ids, false, false).await.unwrap() {
        assert_valid(&organization_list, &doc, "synthetic organization (list form)");
    }
}

#[tokio::test]
async fn the_csv_export_follows_the_official_package_descriptor() {
    let app = TestApp::spawn().await;
    let org = Uuid::new_v4();
    let directory = mainstay::directory::synthetic::generate(30, 9, app.now().date());
    let report =
        import(&app, org, file("synthetic.zip", hsds::write_csv_package(&directory.by_name(), app.now()).unwrap()))
            .await;
    assert_applied(&report);
    let files = unzip(&hsds::export_csv_zip(app.db.conn(), org, app.now()).await.unwrap());
    let official: Value = serde_json::from_slice(&read(&shared().join("datapackage.json"))).unwrap();
    let ours: Value = serde_json::from_slice(&files["datapackage.json"]).unwrap();
    let resources = official["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 21);
    assert_eq!(files.len(), 22, "21 tables and the descriptor");
    for resource in resources {
        let path = resource["path"].as_str().unwrap();
        let fields = resource["schema"]["fields"].as_array().unwrap();
        let (headers, rows) = csv_rows(&files[path]);
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(headers, names, "{path}: header in the official order");
        let described = ours["resources"].as_array().unwrap().iter().find(|r| r["path"] == path).expect("described");
        for (field, mine) in fields.iter().zip(described["schema"]["fields"].as_array().unwrap()) {
            assert_eq!(mine["name"], field["name"], "{path}");
            assert_eq!(mine["type"], field["type"], "{path} {}", field["name"]);
            assert_eq!(mine["constraints"]["required"], field["constraints"]["required"], "{path} {}", field["name"]);
            assert_eq!(mine.get("format"), field.get("format"), "{path} {}", field["name"]);
        }
        for row in rows {
            for field in fields {
                let name = field["name"].as_str().unwrap();
                let value = row.get(name);
                if field["constraints"]["required"] == true {
                    assert!(value.is_some(), "{path}: {name} is required: {row:?}");
                }
                let Some(value) = value else { continue };
                let ok = match (field["type"].as_str().unwrap(), field.get("format").and_then(Value::as_str)) {
                    ("number", _) => value.parse::<f64>().is_ok(),
                    ("date", _) => {
                        time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")).is_ok()
                    }
                    ("time", _) => value.len() >= 5 && value.as_bytes()[2] == b':',
                    ("datetime", _) => {
                        time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).is_ok()
                    }
                    ("string", Some("uuid")) => Uuid::try_parse(value).is_ok() && value.len() == 36,
                    ("string", Some("email")) => value.contains('@'),
                    ("string", Some("uri")) => value.contains(':'),
                    _ => true,
                };
                assert!(ok, "{path}: {name} = {value:?} is not a {}", field["type"]);
            }
        }
    }
    assert!(csv_rows(&files["services.csv"]).1.len() == 30);
}

// ---------- re-imports ----------

const S1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b01";
const O1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b02";
const P1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b03";
const P2: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b04";
const L1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b05";
const SAL1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b06";
const C1: &str = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b07";

fn pantry(phones: Value, name: &str) -> Value {
    json!({
        "id": S1, "name": name, "status": "active",
        "organization": {"id": O1, "name": "Harbour Test Org", "description": "Test"},
        "phones": phones,
        "service_at_locations": [{"id": SAL1, "location": {"id": L1, "location_type": "physical",
            "phones": [{"id": P1, "number": "(207) 555-0101"}]}}],
        "cost_options": [{"id": C1, "option": "Free", "amount": 0}],
    })
}

async fn count_rows(app: &TestApp, org: Uuid, table: &str) -> usize {
    mainstay::directory::rows::load_all(app.db.conn(), org, hsds_tables::table(table).unwrap()).await.unwrap().len()
}

#[tokio::test]
async fn reimporting_updates_and_a_nested_document_removes_children_it_no_longer_lists() {
    let app = TestApp::spawn().await;
    let conn = app.db.conn();
    let org = Uuid::new_v4();
    let phones = json!([{"id": P1, "number": "(207) 555-0101"}, {"id": P2, "number": "(207) 555-0102"}]);
    let first = import(&app, org, file("pantry.json", pantry(phones, "Harbour Pantry").to_string())).await;
    assert_applied(&first);
    assert_eq!(first.counts["phone"].added, 2, "P1 listed twice is one row");
    let before = hsds::service_document(conn, org, S1).await.unwrap().unwrap();
    assert_eq!(before["phones"].as_array().unwrap().len(), 2);

    // The provider renamed the service, dropped its second phone and its fee.
    app.advance(60);
    let mut doc = pantry(json!([{"id": P1, "number": "(207) 555-0101"}]), "Harbour Community Pantry");
    doc["cost_options"] = json!([]);
    let second = import(&app, org, file("pantry.json", doc.to_string())).await;
    assert_applied(&second);
    assert_eq!(second.total(|c| c.added), 0, "{:?}", second.counts);
    assert_eq!(second.counts["service"].updated, 1);
    assert_eq!(second.counts["service"].unchanged, 0);
    assert_eq!(second.counts["phone"].removed, 1, "{:?}", second.counts);
    assert_eq!(second.counts["cost_option"].removed, 1);
    assert_eq!(count_rows(&app, org, "service").await, 1);
    assert_eq!(count_rows(&app, org, "phone").await, 1, "P1 stays: the location still lists it");
    let after = hsds::service_document(conn, org, S1).await.unwrap().unwrap();
    assert_eq!(after["name"], "Harbour Community Pantry");
    assert_eq!(after["phones"].as_array().unwrap().len(), 1);
    assert!(after.get("cost_options").is_none());
    let location = hsds::location_document(conn, org, L1).await.unwrap().unwrap();
    assert_eq!(location["phones"][0]["id"], P1);

    // Modified since: the changed service, not an untouched one.
    let filter = hsds::ListFilter { modified_after: Some(app.now()), ..Default::default() };
    let page = hsds::page_ids(conn, org, hsds_tables::table("service").unwrap(), &filter, 10, 0).await.unwrap();
    assert_eq!(page.ids, vec![S1.to_string()]);
    app.advance(60);
    let third = import(&app, org, file("pantry.json", doc.to_string())).await;
    assert_eq!(third.total(|c| c.updated), third.total(|c| c.unchanged), "nothing changed");
    let filter = hsds::ListFilter { modified_after: Some(app.now()), ..Default::default() };
    let page = hsds::page_ids(conn, org, hsds_tables::table("service").unwrap(), &filter, 10, 0).await.unwrap();
    assert!(page.ids.is_empty(), "an identical re-import does not count as a change");

    // A CSV package only adds and updates.
    let csv = format!("id,service_id,number\n{P2},{S1},(207) 555-0199\n");
    let package = vec![ImportFile { name: "phones.csv".into(), bytes: csv.into_bytes() }];
    let fourth = import(&app, org, file("phones.zip", zip_of(&package))).await;
    assert_applied(&fourth);
    assert_eq!(fourth.counts["phone"].added, 1);
    assert_eq!(count_rows(&app, org, "phone").await, 2);
}

// ---------- bad input ----------

fn services_csv(rows: &[&str]) -> Vec<ImportFile> {
    let org = format!("id,name,description\n{O1},Test Org,Testing\n");
    let mut services = "id,organization_id,name,status,assured_date,email\n".to_string();
    for row in rows {
        services.push_str(row);
        services.push('\n');
    }
    vec![
        ImportFile { name: "organizations.csv".into(), bytes: org.into_bytes() },
        ImportFile { name: "services.csv".into(), bytes: services.into_bytes() },
    ]
}

#[track_caller]
fn assert_problem(report: &ImportReport, code: &str, file: &str, row: &str, field: Option<&str>) {
    assert!(
        report.problems.iter().any(|p| p.code == code && p.file == file && p.row == row && p.field.as_deref() == field),
        "expected {code} at {file} {row} {field:?} in {:#?}",
        report.problems
    );
}

#[tokio::test]
async fn bad_input_gets_a_report_naming_file_row_and_field_and_nothing_is_imported() {
    let app = TestApp::spawn().await;
    let org = Uuid::new_v4();
    let missing_org = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9bff";
    let files = services_csv(&[
        &format!("{S1},{O1},Good service,active,2025-01-31,"),
        &format!("not-a-uuid,{O1},Bad id,active,,"),
        &format!("6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b21,{O1},,active,,"),
        &format!("6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b22,{missing_org},Lost,active,,"),
        &format!("6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b23,{O1},Bad date,active,31/01/2025,"),
        &format!("6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b24,{O1},Bad mail,active,,nobody"),
        &format!("{S1},{O1},Twice,active,,"),
    ]);
    let report = import(&app, org, file("bad.zip", zip_of(&files))).await;
    assert_eq!(report.status, HsdsImportStatus::Refused);
    assert_problem(&report, "not-uuid", "services.csv", "3", Some("id"));
    assert_problem(&report, "missing-required", "services.csv", "4", Some("name"));
    assert_problem(&report, "unknown-link", "services.csv", "5", Some("organization_id"));
    assert_problem(&report, "not-date", "services.csv", "6", Some("assured_date"));
    assert_problem(&report, "not-email", "services.csv", "7", Some("email"));
    assert_problem(&report, "duplicate-id", "services.csv", "8", Some("id"));
    assert!(report.counts.is_empty(), "{:?}", report.counts);
    assert_eq!(count_rows(&app, org, "service").await, 0, "nothing half-imported");
    assert_eq!(count_rows(&app, org, "organization").await, 0);
    let stored = hsds::stored_import(app.db.conn(), org, report.id).await.unwrap().expect("recorded");
    assert_eq!(stored.status, HsdsImportStatus::Refused);
    assert_eq!(stored.problems, report.problems);
    let message = report.problems.iter().find(|p| p.code == "unknown-link").unwrap();
    let text = message.message(&mainstay::i18n::Tr::new(mainstay::domain::codes::UiLanguage::En));
    assert!(text.contains(missing_org) && !text.starts_with("hsds-"), "{text}");

    // Bad UTF-8: the file and the byte offset.
    let mut bytes = format!("id,name,description\n{O1},Caf").into_bytes();
    bytes.extend_from_slice(&[0xe9, b',', b'x', b'\n']);
    let report = import(&app, org, Upload::Folder(vec![ImportFile { name: "organizations.csv".into(), bytes }])).await;
    assert_eq!(report.status, HsdsImportStatus::Refused);
    assert_eq!(report.problems[0].code, "bad-utf8");
    assert_eq!(report.problems[0].file, "organizations.csv");
    assert_eq!(report.problems[0].args["offset"], "60");

    // Too big: refused before anything is read.
    let huge = vec![b' '; (hsds::MAX_IMPORT_BYTES + 1) as usize];
    let report = import(&app, org, file("huge.json", huge)).await;
    assert_eq!(report.status, HsdsImportStatus::Refused);
    assert_eq!(report.problems[0].code, "too-big");

    // Not JSON: line and column.
    let report = import(&app, org, file("broken.json", "{\"id\": \n")).await;
    assert_eq!(report.problems[0].code, "not-json");
    assert_eq!(report.problems[0].args["line"], "2");

    // JSON: the pointer of the bad value; unknown keys are only noted.
    let doc = json!({"id": S1, "name": "X", "status": "active", "colour": "red",
        "organization": {"id": O1, "name": "O", "description": "d"},
        "phones": [{"id": "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b31", "number": "1", "extension": "ten"}]});
    let report = import(&app, org, file("service.json", doc.to_string())).await;
    assert_eq!(report.status, HsdsImportStatus::Refused);
    assert_problem(&report, "not-number", "service.json", "/phones/0", Some("extension"));
    let colour = report.problems.iter().find(|p| p.code == "unknown-column").expect("noted");
    assert_eq!(colour.severity, hsds::Severity::Notice);
    assert_eq!(count_rows(&app, org, "service").await, 0);
}

#[tokio::test]
async fn valid_rows_only_writes_the_rest_and_skips_rows_depending_on_bad_ones() {
    let app = TestApp::spawn().await;
    let org = Uuid::new_v4();
    let bad_service = "6f1d3a52-0c2e-4b8e-9a55-1d3f5c7a9b41";
    let mut files = services_csv(&[
        &format!("{S1},{O1},Good service,active,2025-01-31,"),
        &format!("{bad_service},{O1},Bad date,active,someday,"),
    ]);
    files.push(ImportFile {
        name: "phones.csv".into(),
        bytes: format!("id,service_id,number\n{P1},{S1},555-0101\n{P2},{bad_service},555-0102\n").into_bytes(),
    });
    files.push(ImportFile { name: "notes.txt".into(), bytes: b"not a table".to_vec() });
    let report = import_as(&app, org, file("mixed.zip", zip_of(&files)), HsdsImportMode::ValidRowsOnly).await;
    assert_eq!(report.status, HsdsImportStatus::Partial, "{:#?}", report.problems);
    assert_eq!(report.counts["service"].added, 1);
    assert_eq!(report.counts["service"].skipped, 1);
    assert_eq!(report.counts["phone"].added, 1);
    assert_eq!(report.counts["phone"].skipped, 1);
    assert_problem(&report, "not-date", "services.csv", "3", Some("assured_date"));
    assert_problem(&report, "skipped-dependent", "phones.csv", "3", None);
    assert!(report.problems.iter().any(|p| p.code == "ignored-file" && p.file == "notes.txt"));
    assert_eq!(count_rows(&app, org, "service").await, 1);
    assert_eq!(count_rows(&app, org, "phone").await, 1);
    let (total, history) = hsds::recent_imports(app.db.conn(), org, 10, 0).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(history[0].status, HsdsImportStatus::Partial);
    assert_eq!(history[0].mode, HsdsImportMode::ValidRowsOnly);
}

// ---------- the /hsds/ API ----------

/// Sets who may read an organisation's `/hsds/` (as the directory settings page would); returns
/// the token in token mode.
async fn publish(app: &TestApp, org: Uuid, access: &str) -> Option<String> {
    use mainstay::db::entities::directory_setting;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let (token, digest) = mainstay::directory::settings::new_hsds_token();
    directory_setting::Entity::delete_by_id(org).exec(app.db.conn()).await.unwrap();
    directory_setting::ActiveModel {
        org_id: Set(org),
        verify_months: Set(12),
        hsds_access: Set(access.into()),
        hsds_token_hash: Set((access == "token").then(|| digest.clone())),
        version: Set(1),
        created_at: Set(app.now()),
        updated_at: Set(app.now()),
    }
    .insert(app.db.conn())
    .await
    .unwrap();
    (access == "token").then_some(token)
}

/// A synthetic directory of `services` services imported into a new organisation.
async fn directory_org(
    app: &TestApp,
    services: usize,
    seed: u64,
) -> (Uuid, mainstay::directory::synthetic::SyntheticDirectory) {
    let org = Uuid::new_v4();
    let directory = mainstay::directory::synthetic::generate(services, seed, app.now().date());
    let package = hsds::write_csv_package(&directory.by_name(), app.now()).unwrap();
    assert_applied(&import(app, org, file("synthetic.zip", package)).await);
    (org, directory)
}

async fn hsds_get(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, Value, axum::http::HeaderMap) {
    let mut request = Request::builder().method(Method::GET).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = app.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).to_string()));
    (status, json, headers)
}

fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["field"].as_str()
}

#[tokio::test]
async fn the_hsds_api_is_off_public_or_token_as_the_organisation_chooses() {
    let app = TestApp::spawn().await;
    let (org, directory) = directory_org(&app, 12, 4).await;
    let base = format!("/hsds/{org}");

    // Off by default: nothing is revealed.
    for path in ["/", "/services", "/services/x", "/nonsense"] {
        let (status, body, headers) = hsds_get(&app, &format!("{base}{path}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["errors"][0]["code"], "hsds-api-off", "{path}: {body}");
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    }
    let (status, _, _) = hsds_get(&app, "/hsds/not-a-uuid/services", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    publish(&app, org, "public").await;
    let (status, root, _) = hsds_get(&app, &format!("{base}/"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(root["version"], "3.0");
    assert!(root["openapi_url"].as_str().unwrap().starts_with("https://"));
    assert!(root.get("profile").is_some());
    let (status, body, _) = hsds_get(&app, &format!("{base}/nonsense"), None).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::NOT_FOUND, Some("hsds-api-unknown-path")));

    let token = publish(&app, org, "token").await.unwrap();
    let (status, body, headers) = hsds_get(&app, &format!("{base}/services"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["errors"][0]["code"], "hsds-api-token");
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    let (status, _, _) = hsds_get(&app, &format!("{base}/services"), Some("hsds_wrong")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, page, _) = hsds_get(&app, &format!("{base}/services"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total_items"], 12);
    let (status, _, _) = hsds_get(&app, &format!("{base}/services?token={token}"), None).await;
    assert_eq!(status, StatusCode::OK, "the token may come in the query string");

    // Only directory data: another organisation's token opens nothing here, and this one's
    // documents hold only HSDS fields.
    let service_id = directory.rows("service")[0]["id"].as_str().unwrap();
    let (status, doc, _) = hsds_get(&app, &format!("{base}/services/{service_id}"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["id"], service_id);
    assert!(doc.get("row_version").is_none() && doc.get("org_id").is_none());
    let (status, body, _) = hsds_get(&app, &format!("{base}/services/{}", Uuid::new_v4()), Some(&token)).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::NOT_FOUND, Some("hsds-api-not-found")));
    let demo_org = mainstay::db::org::all(&app.db).await.unwrap()[0].id;
    let (status, _, _) = hsds_get(&app, &format!("/hsds/{demo_org}/services"), Some(&token)).await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn services_are_paged_filtered_and_validated_like_the_hsds_openapi_says() {
    let app = TestApp::spawn().await;
    let (org, directory) = directory_org(&app, 130, 5).await;
    publish(&app, org, "public").await;
    let base = format!("/hsds/{org}/services");
    let service_list = validator("compiled/service_list.json");
    let service = validator("compiled/service.json");

    let (status, page, _) = hsds_get(&app, &format!("{base}?per_page=25&page=2"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total_items"], 130);
    assert_eq!(page["total_pages"], 6);
    assert_eq!(page["page_number"], 2);
    assert_eq!(page["size"], 25);
    assert_eq!(
        (page["first_page"].as_bool(), page["last_page"].as_bool(), page["empty"].as_bool()),
        (Some(false), Some(false), Some(false))
    );
    for item in page["contents"].as_array().unwrap() {
        assert_valid(&service_list, item, "a listed service");
        assert!(item.get("phones").is_none(), "the list form has one-to-one fields only");
    }
    let (_, last, _) = hsds_get(&app, &format!("{base}?per_page=25&page=6"), None).await;
    assert_eq!((last["size"].as_u64(), last["last_page"].as_bool()), (Some(5), Some(true)));
    let (_, beyond, _) = hsds_get(&app, &format!("{base}?per_page=25&page=9"), None).await;
    assert_eq!((beyond["size"].as_u64(), beyond["empty"].as_bool()), (Some(0), Some(true)));
    let (_, capped, _) = hsds_get(&app, &format!("{base}?per_page=1000"), None).await;
    assert_eq!(capped["size"], 100, "per_page is capped at 100");
    assert_eq!(capped["total_pages"], 2);

    // Every service, once, across the pages.
    let mut seen = std::collections::HashSet::new();
    for n in 1..=2 {
        let (_, p, _) = hsds_get(&app, &format!("{base}?per_page=100&page={n}"), None).await;
        for item in p["contents"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), 130);

    // Bad parameters name themselves.
    for (query, param) in [
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=-3", "per_page"),
        ("modified_after=last%20week", "modified_after"),
        ("full=perhaps", "full"),
        ("format=xml", "format"),
    ] {
        let (status, body, _) = hsds_get(&app, &format!("{base}?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(error_field(&body), Some(param), "{query}: {body}");
    }

    // Taxonomy filters.
    let terms: HashMap<&str, &str> = directory
        .rows("taxonomy_term")
        .iter()
        .map(|t| (t["code"].as_str().unwrap(), t["id"].as_str().unwrap()))
        .collect();
    let pantry = terms["food-pantry"];
    let tagged: std::collections::HashSet<&str> = directory
        .rows("attribute")
        .iter()
        .filter(|a| a["taxonomy_term_id"] == pantry)
        .map(|a| a["link_id"].as_str().unwrap())
        .collect();
    assert!(!tagged.is_empty());
    let (_, page, _) = hsds_get(&app, &format!("{base}?taxonomy_term_id={pantry}&per_page=100"), None).await;
    assert_eq!(page["total_items"].as_u64(), Some(tagged.len() as u64));
    assert!(page["contents"].as_array().unwrap().iter().all(|s| tagged.contains(s["id"].as_str().unwrap())));
    let taxonomy = directory.rows("taxonomy")[0]["id"].as_str().unwrap();
    let (_, page, _) = hsds_get(&app, &format!("{base}?taxonomy_id={taxonomy}"), None).await;
    assert_eq!(page["total_items"], 130, "every synthetic service carries a term of the taxonomy");
    let (_, page, _) = hsds_get(&app, &format!("{base}?taxonomy_id={}", Uuid::new_v4()), None).await;
    assert_eq!(page["total_items"], 0);
    let organization = directory.rows("organization")[0]["id"].as_str().unwrap();
    let of_org = directory.rows("service").iter().filter(|s| s["organization_id"] == organization).count();
    let (_, page, _) = hsds_get(&app, &format!("{base}?organization_id={organization}"), None).await;
    assert_eq!(page["total_items"].as_u64(), Some(of_org as u64));

    // Free-text search goes through the directory search, in the same wrapper.
    let (status, found, _) = hsds_get(&app, &format!("{base}?search=pantry&per_page=5"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(found["total_items"].as_u64().unwrap() >= 1, "{found}");
    for item in found["contents"].as_array().unwrap() {
        assert_valid(&service_list, item, "a service found by search");
    }

    // Inactive and defunct services are served too (HSDS has a status field).
    let inactive = directory.rows("service").iter().filter(|s| s["status"] != "active").count();
    assert!(inactive > 0);
    let (_, all, _) = hsds_get(&app, &format!("{base}?per_page=100&page=2"), None).await;
    assert_eq!(all["total_items"], 130);

    // full, minimal and ndjson.
    let (_, full, _) = hsds_get(&app, &format!("{base}?full=true&per_page=3"), None).await;
    for item in full["contents"].as_array().unwrap() {
        assert_valid(&service, item, "a fully nested listed service");
        assert!(item.get("phones").is_some());
    }
    let (_, minimal, _) = hsds_get(&app, &format!("{base}?minimal=true&per_page=100"), None).await;
    let first = &minimal["contents"][0];
    assert!(first["id"].is_string() && first["modified_date"].is_string() && first.get("name").is_none());
    let (status, lines, headers) = hsds_get(&app, &format!("{base}?format=ndjson"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/x-ndjson");
    assert_eq!(lines.as_str().unwrap().lines().count(), 130);

    // modified_after: only what changed after the instant.
    app.advance(3600);
    let since = app.now().format(&time::format_description::well_known::Rfc3339).unwrap();
    let changed = directory.rows("service")[7]["id"].as_str().unwrap().to_string();
    let doc = json!({"id": changed, "name": "Renamed Pantry", "status": "active",
        "organization_id": directory.rows("service")[7]["organization_id"]});
    assert_applied(&import(&app, org, file("one.json", doc.to_string())).await);
    let (_, page, _) = hsds_get(&app, &format!("{base}?modified_after={}", since.replace('+', "%2B")), None).await;
    assert_eq!(page["total_items"], 1);
    assert_eq!(page["contents"][0]["id"], changed.as_str());
    assert_eq!(page["contents"][0]["name"], "Renamed Pantry");
    let (_, page, _) = hsds_get(&app, &format!("{base}?modified_after=2000-01-01"), None).await;
    assert_eq!(page["total_items"], 130);
}

#[tokio::test]
async fn organizations_services_at_locations_and_taxonomies_are_served_too() {
    let app = TestApp::spawn().await;
    let (org, directory) = directory_org(&app, 20, 6).await;
    publish(&app, org, "public").await;
    let base = format!("/hsds/{org}");

    let organizations = directory.rows("organization");
    let (_, page, _) = hsds_get(&app, &format!("{base}/organizations?per_page=100"), None).await;
    assert_eq!(page["total_items"].as_u64(), Some(organizations.len() as u64));
    assert_valid(&validator("compiled/organization_list.json"), &page["contents"][0], "organization list");
    let organization = organizations[0]["id"].as_str().unwrap();
    let (status, doc, _) = hsds_get(&app, &format!("{base}/organizations/{organization}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_valid(&validator("compiled/organization.json"), &doc, "organization");
    let services = doc["services"].as_array().unwrap();
    assert!(!services.is_empty() && services[0].get("phones").is_none(), "services in brief by default");
    let (_, doc, _) = hsds_get(&app, &format!("{base}/organizations/{organization}?full_service=true"), None).await;
    assert!(doc["services"][0].get("phones").is_some());
    let name = organizations[0]["name"].as_str().unwrap();
    let word = name.split(' ').next().unwrap().to_lowercase();
    let (_, found, _) = hsds_get(&app, &format!("{base}/organizations?search={word}"), None).await;
    assert!(found["contents"].as_array().unwrap().iter().any(|o| o["id"] == organization));

    let (_, page, _) = hsds_get(&app, &format!("{base}/service_at_locations"), None).await;
    assert_eq!(page["total_items"].as_u64(), Some(directory.rows("service_at_location").len() as u64));
    let item = &page["contents"][0];
    assert_valid(&validator("compiled/service_at_location_list.json"), item, "service_at_location list");
    assert!(item["location"]["id"].is_string() && item["service"]["id"].is_string());
    let (_, doc, _) =
        hsds_get(&app, &format!("{base}/service_at_locations/{}", item["id"].as_str().unwrap()), None).await;
    assert_valid(&validator("compiled/service_at_location.json"), &doc, "service_at_location");
    let served = directory.rows("service_at_location")[0]["location_id"].clone();
    let address = directory.rows("address").iter().find(|a| a["location_id"] == served).unwrap();
    let postcode = address["postal_code"].as_str().unwrap();
    let (_, near, _) = hsds_get(&app, &format!("{base}/service_at_locations?postcode={postcode}"), None).await;
    assert!(near["total_items"].as_u64().unwrap() >= 1);
    assert!(near["contents"].as_array().unwrap().iter().all(|s| {
        directory
            .rows("address")
            .iter()
            .any(|a| a["location_id"] == s["location"]["id"] && a["postal_code"] == postcode)
    }));
    let (_, wide, _) =
        hsds_get(&app, &format!("{base}/service_at_locations?postcode={postcode}&proximity=50000"), None).await;
    assert_eq!(wide["total_items"], page["total_items"], "the whole city is within 50 km");

    let (_, taxonomies, _) = hsds_get(&app, &format!("{base}/taxonomies"), None).await;
    assert_eq!(taxonomies["total_items"], 1);
    let taxonomy = taxonomies["contents"][0]["id"].as_str().unwrap().to_string();
    let (status, doc, _) = hsds_get(&app, &format!("{base}/taxonomies/{taxonomy}"), None).await;
    assert_eq!((status, doc["name"].as_str()), (StatusCode::OK, Some("Port Alder needs")));
    let (_, terms, _) = hsds_get(&app, &format!("{base}/taxonomy_terms?per_page=100"), None).await;
    assert_eq!(terms["total_items"].as_u64(), Some(directory.rows("taxonomy_term").len() as u64));
    assert!(terms["contents"][0]["taxonomy_detail"]["id"].is_string());
    let (_, top, _) = hsds_get(&app, &format!("{base}/taxonomy_terms?top_only=true&per_page=100"), None).await;
    let tops = directory.rows("taxonomy_term").iter().filter(|t| t.get("parent_id").is_none()).count();
    assert_eq!(top["total_items"].as_u64(), Some(tops as u64));
    let parent =
        top["contents"].as_array().unwrap().iter().find(|t| t["code"] == "substance-use").unwrap()["id"].clone();
    let (_, children, _) =
        hsds_get(&app, &format!("{base}/taxonomy_terms?parent_id={}", parent.as_str().unwrap()), None).await;
    assert_eq!(children["total_items"], 3);
    let term = children["contents"][0]["id"].as_str().unwrap();
    let (status, doc, _) = hsds_get(&app, &format!("{base}/taxonomy_terms/{term}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_valid(&validator("taxonomy_term.json"), &doc, "taxonomy term");
}

// ---------- the pages and the import API ----------

/// A multipart body with the CSRF token, the mode and one file.
fn multipart(csrf: &str, mode: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----mainstay-test-boundary";
    let mut body = Vec::new();
    for (field, value) in [("csrf_token", csrf), ("mode", mode)] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_import_page_uploads_reports_and_keeps_a_history_for_directory_editors_only() {
    let app = TestApp::spawn().await;
    let mut coach = app.signed_in("coach@demo.example").await;
    coach.get("/directory/import").await.assert_status(StatusCode::FORBIDDEN);
    coach.get("/directory/export.zip").await.assert_status(StatusCode::FORBIDDEN);
    assert!(app.audit_actions().await.iter().any(|(a, o)| a == "access.denied" && o == "denied"));

    let mut editor = app.signed_in("referral@demo.example").await;
    let page = editor.get("/directory/import").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("enctype=\"multipart/form-data\"")
        .assert_contains("valid-rows-only");
    let csrf = csrf_of(&page.body);

    // A JSON service with a bad date: refused, and the report says where.
    let bad = json!({"id": S1, "name": "Lighthouse Pantry", "status": "active", "assured_date": "next Tuesday",
        "organization": {"id": O1, "name": "Lighthouse Test Org", "description": "d"}});
    let (ct, body) = multipart(&csrf, "all-or-nothing", "pantry.json", bad.to_string().as_bytes());
    let response =
        editor.request(Method::POST, "/directory/import", Some(&ct), String::from_utf8(body).unwrap(), &[]).await;
    let report_path = response.location().to_string();
    assert!(report_path.starts_with("/directory/import/"), "{:?}", response);
    let report = editor.get(&report_path).await;
    report
        .assert_status(StatusCode::OK)
        .assert_contains("Refused")
        .assert_contains("assured_date")
        .assert_contains("YYYY-MM-DD");
    report.assert_contains("pantry.json");

    // Fixed: imported; the history lists both.
    let good = json!({"id": S1, "name": "Lighthouse Pantry", "status": "active", "assured_date": "2026-10-01",
        "organization": {"id": O1, "name": "Lighthouse Test Org", "description": "d"}});
    let (ct, body) = multipart(&csrf, "all-or-nothing", "pantry.json", good.to_string().as_bytes());
    let response =
        editor.request(Method::POST, "/directory/import", Some(&ct), String::from_utf8(body).unwrap(), &[]).await;
    let report = editor.get(response.location()).await;
    report.assert_contains("Imported").assert_contains("service");
    let history = editor.get("/directory/import").await;
    history.assert_contains("Refused").assert_contains("Imported").assert_contains("2 added, 0 updated, 0 removed");

    // No file: the form says so.
    let (ct, body) = multipart(&csrf, "all-or-nothing", "", b"");
    let response =
        editor.request(Method::POST, "/directory/import", Some(&ct), String::from_utf8(body).unwrap(), &[]).await;
    response.assert_status(StatusCode::UNPROCESSABLE_ENTITY).assert_contains("Choose a file");
    // Without the form's token nothing is imported.
    let (ct, body) = multipart("forged", "all-or-nothing", "pantry.json", good.to_string().as_bytes());
    let response =
        editor.request(Method::POST, "/directory/import", Some(&ct), String::from_utf8(body).unwrap(), &[]).await;
    response.assert_status(StatusCode::FORBIDDEN);

    // Downloads.
    let json_export = editor.get("/directory/export.json").await;
    json_export.assert_status(StatusCode::OK).assert_contains("Lighthouse Pantry");
    assert!(json_export.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("attachment"));
    let zip = editor.get("/directory/export.zip").await;
    zip.assert_status(StatusCode::OK);
    assert_eq!(zip.headers[header::CONTENT_TYPE], "application/zip");
    let actions = app.audit_actions().await;
    assert!(actions.iter().filter(|(a, _)| a == "directory.import").count() >= 2);
    assert!(actions.iter().any(|(a, _)| a == "directory.export"));
}

async fn api_call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), headers, bytes)
}

#[tokio::test]
async fn the_import_api_takes_a_zip_and_reports_bad_bytes() {
    let app = TestApp::spawn().await;
    let mut editor = app.signed_in("supervisor@demo.example").await;
    let token = editor.create_token("hsds").await;
    let mut coach = app.signed_in("coach@demo.example").await;
    let coach_token = coach.create_token("hsds").await;

    let package = zip_of(&csv_package_files());
    let (status, _, _, _) =
        api_call(&app, Method::POST, "/api/v1/directory/import", &coach_token, "application/zip", package.clone())
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, report, _, _) =
        api_call(&app, Method::POST, "/api/v1/directory/import?filename=hsds.zip", &token, "application/zip", package)
            .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["status"], "applied");
    assert_eq!(report["counts"]["service"]["added"], 1);
    let id = report["id"].as_str().unwrap();

    // Bad UTF-8 inside a zip, through multipart with valid rows only: refused (nothing valid).
    let mut bytes = b"id,name,description\n".to_vec();
    bytes.extend_from_slice(&[0xc3, 0x28]);
    let zip = zip_of(&[ImportFile { name: "organizations.csv".into(), bytes }]);
    let (ct, body) = multipart("", "valid-rows-only", "broken.zip", &zip);
    let (status, report, _, _) = api_call(&app, Method::POST, "/api/v1/directory/import", &token, &ct, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["status"], "refused");
    assert_eq!(report["mode"], "valid-rows-only");
    assert_eq!(report["problems"][0]["code"], "bad-utf8");
    assert_eq!(report["problems"][0]["file"], "organizations.csv");
    assert_eq!(report["problems"][0]["args"]["offset"], "20");
    assert!(report["problems"][0]["message"].as_str().unwrap().contains("offset 20"));

    let (status, _, _, _) = api_call(
        &app,
        Method::POST,
        "/api/v1/directory/import?mode=sometimes",
        &token,
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, list, _, _) =
        api_call(&app, Method::GET, "/api/v1/directory/import", &token, "application/json", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 2);
    let (status, one, _, _) =
        api_call(&app, Method::GET, &format!("/api/v1/directory/import/{id}"), &token, "application/json", Vec::new())
            .await;
    assert_eq!((status, one["status"].as_str()), (StatusCode::OK, Some("applied")));

    let (status, _, headers, zip) =
        api_call(&app, Method::GET, "/api/v1/directory/export?format=csv", &token, "application/json", Vec::new())
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    let files = unzip(&zip);
    assert!(files.contains_key("services.csv") && files.contains_key("datapackage.json"));
    let (status, _, _, json_bytes) =
        api_call(&app, Method::GET, "/api/v1/directory/export", &token, "application/json", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    let services: Vec<Value> = serde_json::from_slice(&json_bytes).unwrap();
    assert!(services.iter().any(|s| s["name"] == "Community Counselling"));
    let (status, body, _, _) =
        api_call(&app, Method::GET, "/api/v1/directory/export?format=pdf", &token, "application/json", Vec::new())
            .await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("format")));
}
