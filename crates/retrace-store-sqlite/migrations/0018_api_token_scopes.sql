-- API tokens get scopes and an expiry (ADR 0014). Tokens made before keep
-- what they could do in practice, read and write, never export or admin,
-- and no expiry: their owners revoke them or replace them with new tokens.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read write';
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
