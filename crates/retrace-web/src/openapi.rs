//! The OpenAPI 3.1 description of `/api/v1`, written as data next to the
//! routes it describes; a test checks that every API route appears in it.

use serde_json::{Value, json};

fn error_responses() -> Value {
    json!({
        "401": { "description": "No valid API token", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "403": { "description": "The token's account lacks the role", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

fn with_errors(mut responses: Value, extra: &[(&str, &str)]) -> Value {
    if let (Some(map), Some(errors)) = (responses.as_object_mut(), error_responses().as_object()) {
        for (code, value) in errors {
            map.insert(code.clone(), value.clone());
        }
        for (code, description) in extra {
            map.insert(
                (*code).to_owned(),
                json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
            );
        }
    }
    responses
}

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "retrace API",
            "version": "1",
            "description": "Staff API of retrace. Authenticate with `Authorization: Bearer <token>`; tokens are created on the account page. Another organisation's record answers exactly like a missing one (404)."
        },
        "servers": [{ "url": "/" }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
                },
                "User": {
                    "type": "object",
                    "required": ["id", "email", "display_name", "roles", "operator", "disabled", "second_factor"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "email": { "type": "string" },
                        "display_name": { "type": "string" },
                        "organisation": { "type": ["string", "null"], "format": "uuid" },
                        "roles": { "type": "array", "items": { "type": "string", "enum": ["org_admin", "caseworker", "referral_officer", "outreach_worker", "coordinator", "viewer"] } },
                        "operator": { "type": "boolean" },
                        "disabled": { "type": "boolean" },
                        "second_factor": { "type": "boolean" }
                    }
                },
                "Organisation": {
                    "type": "object",
                    "required": ["id", "name", "kind", "country", "created_at"],
                    "properties": {
                        "id": { "type": "string", "format": "uuid" },
                        "name": { "type": "string" },
                        "kind": { "type": "string", "enum": ["national_society", "icrc", "ifrc", "iom", "government_agency", "ngo"] },
                        "country": { "type": "string", "pattern": "^[A-Z]{2}$" },
                        "created_at": { "type": "string", "format": "date-time" }
                    }
                },
                "AuditEntry": {
                    "type": "object",
                    "properties": {
                        "seq": { "type": "integer" }, "at": { "type": "string", "format": "date-time" },
                        "actor": { "type": ["string", "null"] }, "action": { "type": "string" },
                        "object_kind": { "type": "string" }, "object_id": { "type": "string" },
                        "purpose": { "type": ["string", "null"] }, "hash": { "type": "string" }
                    }
                }
            }
        },
        "security": [{ "bearer": [] }],
        "paths": {
            "/api/v1/openapi.json": {
                "get": { "summary": "This document", "security": [], "responses": { "200": { "description": "OpenAPI document" } } }
            },
            "/api/v1/me": {
                "get": { "summary": "The token's account", "responses": with_errors(json!({ "200": { "description": "Account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[]) }
            },
            "/api/v1/org/users": {
                "get": { "summary": "Accounts of the caller's organisation (org_admin)", "responses": with_errors(json!({ "200": { "description": "Accounts", "content": { "application/json": { "schema": { "type": "object", "properties": { "users": { "type": "array", "items": { "$ref": "#/components/schemas/User" } } } } } } } }), &[]) }
            },
            "/api/v1/org/users/{id}": {
                "get": {
                    "summary": "One account of the caller's organisation (org_admin)",
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": with_errors(json!({ "200": { "description": "Account", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/User" } } } } }), &[("404", "No such account in the caller's organisation")])
                }
            },
            "/api/v1/org/audit": {
                "get": {
                    "summary": "The organisation's audit entries, newest first (org_admin); the read is itself audited",
                    "parameters": [
                        { "name": "before", "in": "query", "schema": { "type": "integer" } },
                        { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }
                    ],
                    "responses": with_errors(json!({ "200": { "description": "Entries", "content": { "application/json": { "schema": { "type": "object", "properties": { "entries": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEntry" } } } } } } } }), &[])
                }
            },
            "/api/v1/organisations": {
                "get": { "summary": "All organisations (platform operator)", "responses": with_errors(json!({ "200": { "description": "Organisations", "content": { "application/json": { "schema": { "type": "object", "properties": { "organisations": { "type": "array", "items": { "$ref": "#/components/schemas/Organisation" } } } } } } } }), &[]) },
                "post": {
                    "summary": "Create an organisation (platform operator)",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": {
                        "type": "object", "required": ["name", "kind", "country"], "additionalProperties": false,
                        "properties": { "name": { "type": "string" }, "kind": { "type": "string" }, "country": { "type": "string" } }
                    } } } },
                    "responses": with_errors(json!({ "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Organisation" } } } } }), &[("409", "Name already in use"), ("422", "A field is invalid; the message names it")])
                }
            }
        }
    })
}
