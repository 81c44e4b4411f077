-- Documents (platform.md §3.2): folders per client/deal/policy, document rows with relative storage
-- paths only, ACL sync tasks and this service's audit trail. Runs with search_path = documents.

create table folders (
  id uuid primary key,
  owner_type varchar(16) not null check (owner_type in ('client', 'deal', 'policy', 'payment')),
  owner_id uuid not null,
  name varchar(255) not null,
  storage_path varchar(2048) not null,
  parent_path varchar(2048),
  public_url varchar(2048),
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint folders_owner_key unique (owner_type, owner_id),
  constraint folders_storage_path_key unique (storage_path)
);
create index folders_parent_path_idx on folders (parent_path);

create table documents (
  id uuid primary key,
  name varchar(255) not null,
  description text,
  storage_path varchar(2048),
  public_url varchar(2048),
  mime_type varchar(255),
  size bigint check (size is null or size >= 0),
  checksum_md5 varchar(32),
  checksum_sha256 varchar(64),
  source_uri varchar(2048),
  metadata jsonb not null default '{}'::jsonb,
  status varchar(16) not null default 'pending_upload'
    check (status in ('draft', 'pending_upload', 'uploading', 'uploaded', 'synced', 'error')),
  last_error text,
  owner_type varchar(16) not null check (owner_type in ('client', 'deal', 'policy', 'payment')),
  owner_id uuid not null,
  folder_path varchar(2048) not null,
  document_type varchar(16) check (document_type in ('policy', 'calculation', 'act', 'other')),
  author_id varchar(64),
  -- A file moved into place whose row update has not committed yet; the cleanup removes it after a crash.
  staged_path varchar(2048),
  staged_at timestamptz,
  uploaded_at timestamptz,
  synced_at timestamptz,
  retention_until timestamptz,
  retention_warned_at timestamptz,
  archived_at timestamptz,
  deleted_at timestamptz,
  deleted_by varchar(64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index documents_name_idx on documents (name);
create index documents_storage_path_idx on documents (storage_path);
create index documents_status_idx on documents (status);
create index documents_deleted_at_idx on documents (deleted_at);
create index documents_owner_idx on documents (owner_type, owner_id);
create index documents_document_type_idx on documents (document_type);
create index documents_author_idx on documents (author_id);
create index documents_retention_idx on documents (retention_until) where retention_until is not null and archived_at is null;
create index documents_staged_idx on documents (staged_at) where staged_path is not null;
-- Two live documents never share a file.
create unique index documents_live_path_key on documents (storage_path) where storage_path is not null and deleted_at is null;
create unique index documents_staged_path_key on documents (staged_path) where staged_path is not null;

create table permissions_sync_tasks (
  id uuid primary key,
  owner_type varchar(16) not null,
  owner_id uuid not null,
  folder_path varchar(2048) not null,
  job_id varchar(255),
  users jsonb not null,
  status varchar(16) not null default 'queued' check (status in ('queued', 'applied', 'failed', 'expired')),
  error text,
  created_at timestamptz not null default now(),
  completed_at timestamptz
);
create index permissions_sync_tasks_owner_idx on permissions_sync_tasks (owner_type, owner_id);

-- Every document action worth answering for later (uploads, downloads, deletions, ACL syncs,
-- retention); the same facts go to Audit through the outbox.
create table audit_log (
  id uuid primary key,
  action varchar(64) not null,
  document_id uuid,
  owner_type varchar(16),
  owner_id uuid,
  actor_id varchar(64),
  actor_type varchar(16) not null check (actor_type in ('user', 'service', 'system')),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_document_idx on audit_log (document_id, created_at);
create index audit_log_action_idx on audit_log (action, created_at);
