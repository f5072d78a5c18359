-- Protection that holds after the decision (issue 10).
-- Append-only: never edit this file once it has landed.

-- The last TOTP time step accepted for each account: a code is good for
-- one sign-in, and a step not later than this one is refused.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
