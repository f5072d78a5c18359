//! The invariants of ARCHITECTURE.md, checked from the manifests and the
//! sources: what must never depend on what.

use std::collections::BTreeMap;
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

const HTTP: [&str; 6] = ["axum", "hyper", "tower", "tower-http", "askama", "reqwest"];
const SQL: [&str; 5] = ["sqlx", "rusqlite", "postgres", "tokio-postgres", "diesel"];
const IO_RUNTIME: [&str; 3] = ["tokio", "async-std", "mio"];

#[test]
fn only_the_web_crate_knows_http() {
    for (name, deps) in dependencies() {
        if name == "retrace-web" {
            continue;
        }
        for dep in &deps {
            assert!(!HTTP.contains(&dep.as_str()), "{name} depends on {dep}");
        }
    }
}

#[test]
fn only_storage_crates_know_sql() {
    for (name, deps) in dependencies() {
        if name.starts_with("retrace-store-") {
            continue;
        }
        for dep in &deps {
            assert!(!SQL.contains(&dep.as_str()), "{name} depends on {dep}");
        }
    }
}

#[test]
fn only_the_cli_picks_a_backend() {
    for (name, deps) in dependencies() {
        if name == "retrace-cli" {
            continue;
        }
        for dep in &deps {
            assert!(
                dep != "retrace-store-sqlite" && dep != "retrace-store-postgres",
                "{name} depends on the backend {dep}"
            );
        }
    }
}

#[test]
fn domain_and_matching_do_no_io() {
    let crates = dependencies();
    for name in ["retrace-domain", "retrace-matching"] {
        let Some(deps) = crates.get(name) else {
            continue;
        };
        for dep in deps {
            assert!(
                !IO_RUNTIME.contains(&dep.as_str())
                    && !HTTP.contains(&dep.as_str())
                    && !SQL.contains(&dep.as_str()),
                "{name} depends on {dep}"
            );
            assert!(
                !dep.starts_with("retrace-") || dep == "retrace-domain",
                "{name} depends on {dep}"
            );
        }
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
