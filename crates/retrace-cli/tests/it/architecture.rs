//! The invariants of ARCHITECTURE.md, checked from the manifests and the
//! sources. The dependency rules are read from the "Allowed edges" tables
//! of ARCHITECTURE.md itself, so the document and the check cannot drift
//! apart: an edge that is not in the table fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Crate name → its normal (not dev) dependency names.
fn dependencies() -> BTreeMap<String, Vec<String>> {
    let mut crates = BTreeMap::new();
    for entry in std::fs::read_dir(workspace().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let parsed: toml::Value = std::fs::read_to_string(&manifest).unwrap().parse().unwrap();
        let name = parsed["package"]["name"].as_str().unwrap().to_owned();
        assert_eq!(
            dir.file_name().unwrap().to_str().unwrap(),
            name,
            "the folder is named after the crate"
        );
        let deps = parsed
            .get("dependencies")
            .and_then(|d| d.as_table())
            .map(|table| table.keys().cloned().collect())
            .unwrap_or_default();
        crates.insert(name, deps);
    }
    crates
}

/// What a crate may depend on, from one row of the crate table.
#[derive(Debug, Default)]
struct Allowed {
    crates: BTreeSet<String>,
    capabilities: BTreeSet<String>,
}

/// The two tables of the "Allowed edges" section: capability → the
/// external crates that give it, and crate → what it may depend on.
struct EdgeTable {
    capabilities: BTreeMap<String, BTreeSet<String>>,
    crates: BTreeMap<String, Allowed>,
}

/// The names in one table cell: a comma-separated list, `—` for none.
fn names(cell: &str) -> BTreeSet<String> {
    cell.split(',')
        .map(|name| name.trim().trim_matches('`').to_owned())
        .filter(|name| !name.is_empty() && name != "—")
        .collect()
}

fn edge_table() -> EdgeTable {
    let text = std::fs::read_to_string(workspace().join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|section| section.starts_with("Allowed edges"))
        .expect("ARCHITECTURE.md has an \"Allowed edges\" section");
    let mut table = EdgeTable {
        capabilities: BTreeMap::new(),
        crates: BTreeMap::new(),
    };
    let mut header = String::new();
    for line in section.lines().map(str::trim) {
        if !line.starts_with('|') {
            header.clear();
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells
            .iter()
            .all(|cell| cell.chars().all(|c| c == '-' || c == ':'))
        {
            continue;
        }
        if header.is_empty() {
            header = cells[0].to_owned();
            continue;
        }
        let key = cells[0].trim_matches('`').to_owned();
        match header.as_str() {
            "Capability" => {
                table.capabilities.insert(key, names(cells[1]));
            }
            "Crate" => {
                let allowed = Allowed {
                    crates: names(cells[1]),
                    capabilities: names(cells[2]),
                };
                table.crates.insert(key, allowed);
            }
            other => panic!("unknown table in \"Allowed edges\": {other}"),
        }
    }
    assert!(!table.capabilities.is_empty(), "no capability table");
    assert!(!table.crates.is_empty(), "no crate table");
    for (name, allowed) in &table.crates {
        for capability in &allowed.capabilities {
            assert!(
                table.capabilities.contains_key(capability),
                "{name} names the unknown capability {capability}"
            );
        }
    }
    table
}

/// Checks one crate's dependencies against the table; the reasons it fails.
fn forbidden_edges(table: &EdgeTable, name: &str, deps: &[String]) -> Vec<String> {
    let Some(allowed) = table.crates.get(name) else {
        return vec![format!("{name} is not in the table of allowed edges")];
    };
    let mut refused = Vec::new();
    for dep in deps {
        if dep.starts_with("retrace-") {
            if !allowed.crates.contains(dep) {
                refused.push(format!("{name} → {dep}"));
            }
            continue;
        }
        for (capability, crates) in &table.capabilities {
            if crates.contains(dep) && !allowed.capabilities.contains(capability) {
                refused.push(format!("{name} → {dep} ({capability})"));
            }
        }
    }
    refused
}

#[test]
fn every_dependency_is_an_allowed_edge() {
    let table = edge_table();
    let refused: Vec<String> = dependencies()
        .iter()
        .flat_map(|(name, deps)| forbidden_edges(&table, name, deps))
        .collect();
    assert!(
        refused.is_empty(),
        "edges missing from ARCHITECTURE.md's \"Allowed edges\": {refused:#?}"
    );
}

#[test]
fn the_table_refuses_what_the_layers_forbid() {
    let table = edge_table();
    let edges = |name: &str, dep: &str| forbidden_edges(&table, name, &[dep.to_owned()]);
    for (name, dep) in [
        ("retrace-store", "retrace-web"),
        ("retrace-store", "retrace-matching"),
        ("retrace-domain", "retrace-store"),
        ("retrace-domain", "retrace-matching"),
        ("retrace-domain", "tokio"),
        ("retrace-matching", "tokio"),
        ("retrace-app", "axum"),
        ("retrace-app", "sqlx"),
        ("retrace-app", "retrace-web"),
        ("retrace-web", "sqlx"),
        ("retrace-web", "retrace-store-sqlite"),
        ("retrace-store-sql", "axum"),
        ("retrace-unknown", "serde"),
    ] {
        assert!(!edges(name, dep).is_empty(), "{name} → {dep} is allowed");
    }
    for (name, dep) in [
        ("retrace-store-sql", "sqlx"),
        ("retrace-store-sql", "tokio"),
        ("retrace-store-sql", "retrace-store"),
        ("retrace-app", "retrace-matching"),
        ("retrace-web", "axum"),
        ("retrace-cli", "retrace-store-postgres"),
        ("retrace-domain", "serde"),
    ] {
        assert!(edges(name, dep).is_empty(), "{name} → {dep} is refused");
    }
}

#[test]
fn web_modules_outside_routes_do_not_import_routes() {
    let src = workspace().join("crates/retrace-web/src");
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap();
        if relative.starts_with("routes") {
            continue;
        }
        let source = std::fs::read_to_string(&file).unwrap();
        for (number, line) in source.lines().enumerate() {
            // The crate root mounts the router and hands the fuzz targets
            // their hidden entry points; nothing else reaches in.
            if relative == Path::new("lib.rs")
                && matches!(
                    line.trim(),
                    "mod routes;" | "pub use routes::router;" | "pub use routes::fuzzing;"
                )
            {
                continue;
            }
            assert!(
                !line.contains("routes::") && !line.contains("super::routes"),
                "{}:{}: {line}",
                relative.display(),
                number + 1
            );
        }
    }
}

#[test]
fn domain_and_matching_do_no_io() {
    for name in ["retrace-domain", "retrace-matching"] {
        for file in rust_files(&workspace().join("crates").join(name).join("src")) {
            let source = std::fs::read_to_string(&file).unwrap();
            for banned in [
                "std::fs",
                "std::net",
                "std::env",
                "std::process",
                "File::open",
            ] {
                assert!(!source.contains(banned), "{} uses {banned}", file.display());
            }
        }
    }
}

#[test]
fn the_storage_contract_is_free_of_sql() {
    for file in rust_files(&workspace().join("crates/retrace-store/src")) {
        let source = std::fs::read_to_string(&file).unwrap().to_lowercase();
        for banned in ["select ", "insert into", "update ", "sqlx"] {
            assert!(
                !source.contains(banned),
                "{} contains {banned:?}",
                file.display()
            );
        }
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
