-- Forced password change (platform.md §2.6): the bootstrap administrator and recovered accounts
-- must set their own password before they get a session; a recovery password also expires.

alter table users add column must_change_password boolean not null default false;
-- Set only by `auth-admin recover`: after this instant the temporary password no longer signs in.
alter table users add column temporary_password_expires_at timestamptz;
