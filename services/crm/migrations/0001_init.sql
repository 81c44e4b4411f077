-- CRM/Deals core (domain.md §2): clients, deals, the deal team, journal, calculations, policies and
-- their document links, with full-text search and row-level security. Runs with search_path = crm.

-- The runtime role. Roles are cluster-wide: several databases (and replicas) may race to create it.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'crm_app') then
    create role crm_app nologin;
  end if;
exception
  when duplicate_object or unique_violation then null;
end
$$;

create table clients (
  id uuid primary key,
  owner_id uuid,
  name varchar(255) not null check (char_length(btrim(name)) between 1 and 255),
  email varchar(255),
  phone varchar(50),
  status varchar(50) not null default 'active' check (status in ('active', 'inactive', 'prospect')),
  type varchar(16) not null default 'individual' check (type in ('individual', 'company')),
  version integer not null default 1 check (version > 0),
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Russian and English stems of the name, plus exact words of name and email and the phone digits.
  search_vector tsvector generated always as (
    to_tsvector('russian', coalesce(name, ''))
    || to_tsvector('english', coalesce(name, ''))
    || to_tsvector('simple',
         coalesce(name, '') || ' ' || coalesce(email, '') || ' '
         || regexp_replace(coalesce(email, ''), '[^[:alnum:]]+', ' ', 'g') || ' '
         || regexp_replace(coalesce(phone, ''), '[^0-9]+', '', 'g'))
  ) stored
);
create index ix_clients_owner_id on clients (owner_id);
create index ix_clients_status on clients (status);
create index ix_clients_name_id on clients (name, id) where not is_deleted;
create index ix_clients_search on clients using gin (search_vector);

create table deals (
  id uuid primary key,
  client_id uuid not null references clients (id) on update cascade on delete restrict,
  owner_id uuid,
  title varchar(255) not null check (char_length(btrim(title)) between 1 and 255),
  description text,
  status varchar(50) not null default 'qualification'
    check (status in ('qualification', 'in_progress', 'proposal', 'won', 'lost')),
  next_review_at date not null default current_date,
  version integer not null default 1 check (version > 0),
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search_vector tsvector generated always as (
    to_tsvector('russian', coalesce(title, '') || ' ' || coalesce(description, ''))
    || to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, ''))
    || to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))
  ) stored,
  -- Lets policies refer to (deal, client) so a policy always carries its deal's client.
  unique (id, client_id)
);
create index ix_deals_next_review_at on deals (next_review_at);
create index ix_deals_client_id on deals (client_id);
create index ix_deals_status on deals (status);
-- The list order (next_review_at, updated_at, id) per owner and over all live deals.
create index ix_deals_owner_order on deals (owner_id, status, next_review_at, updated_at, id) where not is_deleted;
create index ix_deals_order on deals (next_review_at, updated_at, id) where not is_deleted;
create index ix_deals_search on deals using gin (search_vector);

create table deal_participants (
  deal_id uuid not null references deals (id) on update cascade on delete cascade,
  user_id uuid not null,
  added_by_id uuid,
  created_at timestamptz not null default now(),
  primary key (deal_id, user_id)
);
create index ix_deal_participants_user on deal_participants (user_id, deal_id);

create table deal_journal (
  id uuid primary key,
  deal_id uuid not null references deals (id) on update cascade on delete cascade,
  author_id uuid not null,
  body text not null check (char_length(body) between 1 and 5000),
  created_at timestamptz not null default clock_timestamp()
);
create index ix_deal_journal_deal on deal_journal (deal_id, created_at, id);
create index ix_deal_journal_created_at on deal_journal (created_at);

create table calculations (
  id uuid primary key,
  deal_id uuid not null references deals (id) on update cascade on delete restrict,
  owner_id uuid not null,
  insurance_company varchar(255) not null check (char_length(btrim(insurance_company)) between 1 and 255),
  program_name varchar(255),
  premium_amount numeric(14, 2) check (premium_amount > 0),
  coverage_sum numeric(14, 2) check (coverage_sum > 0),
  calculation_date date not null,
  validity_period daterange check (validity_period is null or not isempty(validity_period)),
  status varchar(32) not null default 'draft' check (status in ('draft', 'ready', 'confirmed', 'archived')),
  files jsonb not null default '[]'::jsonb check (jsonb_typeof(files) = 'array'),
  comments text check (char_length(comments) <= 2000),
  version integer not null default 1 check (version > 0),
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, deal_id)
);
create index ix_calculations_deal on calculations (deal_id, updated_at desc, created_at desc, id desc) where not is_deleted;
create index ix_calculations_insurance_company on calculations (insurance_company);
create index ix_calculations_calculation_date on calculations (calculation_date);
create index ix_calculations_status on calculations (status);

create table policies (
  id uuid primary key,
  client_id uuid not null references clients (id) on update cascade on delete restrict,
  deal_id uuid,
  calculation_id uuid references calculations (id) on update cascade on delete set null,
  owner_id uuid not null,
  policy_number varchar(64) not null,
  status varchar(50) not null default 'draft' check (status in ('draft', 'active', 'pending_renewal', 'closed')),
  closed_reason varchar(32) check (closed_reason in ('expired', 'cancelled', 'replaced')),
  premium numeric(14, 2) check (premium > 0),
  effective_from date,
  effective_to date,
  version integer not null default 1 check (version > 0),
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Unique over every row, deleted ones included: a number is never reused.
  constraint uq_policies_policy_number unique (policy_number),
  constraint ck_policies_period check (effective_to is null or effective_from is null or effective_to >= effective_from),
  -- A policy with a deal belongs to that deal's client (invariant 18).
  constraint fk_policies_deal_client foreign key (deal_id, client_id) references deals (id, client_id)
    on update cascade on delete restrict
);
-- A quote is linked to at most one policy.
create unique index uq_policies_calculation on policies (calculation_id) where calculation_id is not null;
create index ix_policies_client on policies (client_id);
create index ix_policies_deal_effective_from on policies (deal_id, effective_from);
create index ix_policies_status on policies (status);
create index ix_policies_order on policies (created_at desc, id desc) where not is_deleted;

create table policy_documents (
  id uuid primary key,
  policy_id uuid not null references policies (id) on update cascade on delete cascade,
  -- A documents.documents id: a logical reference checked through the Documents API.
  document_id uuid not null,
  created_at timestamptz not null default now(),
  constraint uq_policy_documents unique (policy_id, document_id)
);

-- ------------------------------------------------------------------------------------------------
-- Row-level security (platform.md §1.3–1.4). The service sets `app.user_id` and `app.roles` per
-- transaction and acts as crm_app; with neither set every policy answers false: zero rows.
-- ------------------------------------------------------------------------------------------------

-- Plain SQL functions, so the planner inlines them into the policies.
create function app_user_id() returns uuid
language sql stable parallel safe
as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function app_is_admin() returns boolean
language sql stable parallel safe
as $$
  select coalesce(string_to_array(current_setting('app.roles', true), ',') && array['ROLE_ADMIN', 'ROLE_SERVICE'], false)
$$;

-- SECURITY DEFINER helpers read the tables without row-level security (they run as the schema
-- owner, which must bypass it: a superuser, or a role with BYPASSRLS), so policies that look at
-- other tables never recurse into each other.
create function is_deal_participant(p_deal_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select exists (select 1 from crm.deal_participants p where p.deal_id = p_deal_id and p.user_id = crm.app_user_id())
$$;

create function can_see_deal(p_deal_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select crm.app_is_admin() or exists (
    select 1 from crm.deals d
    where d.id = p_deal_id
      and (d.owner_id = crm.app_user_id()
           or exists (select 1 from crm.deal_participants p where p.deal_id = d.id and p.user_id = crm.app_user_id()))
  )
$$;

create function client_has_visible_deal(p_client_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select exists (
    select 1 from crm.deals d
    where d.client_id = p_client_id and not d.is_deleted
      and (d.owner_id = crm.app_user_id()
           or exists (select 1 from crm.deal_participants p where p.deal_id = d.id and p.user_id = crm.app_user_id()))
  )
$$;

create function can_see_client(p_client_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select crm.app_is_admin()
    or exists (select 1 from crm.clients c where c.id = p_client_id and c.owner_id = crm.app_user_id())
    or crm.client_has_visible_deal(p_client_id)
$$;

create function can_see_policy(p_policy_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select crm.app_is_admin() or exists (
    select 1 from crm.policies p
    where p.id = p_policy_id
      and case when p.deal_id is null then crm.can_see_client(p.client_id) else crm.can_see_deal(p.deal_id) end
  )
$$;

alter table clients enable row level security;
alter table clients force row level security;
create policy clients_visible on clients for all
  using (app_is_admin() or owner_id = app_user_id() or client_has_visible_deal(id))
  with check (app_is_admin() or owner_id = app_user_id() or client_has_visible_deal(id));

alter table deals enable row level security;
alter table deals force row level security;
create policy deals_visible on deals for all
  using (app_is_admin() or owner_id = app_user_id() or is_deal_participant(id))
  with check (app_is_admin() or owner_id = app_user_id() or is_deal_participant(id));

alter table deal_participants enable row level security;
alter table deal_participants force row level security;
-- One's own membership rows are visible by definition; testing that first spares a lookup per row.
create policy deal_participants_visible on deal_participants for all
  using (user_id = app_user_id() or can_see_deal(deal_id))
  with check (can_see_deal(deal_id));

alter table deal_journal enable row level security;
alter table deal_journal force row level security;
create policy deal_journal_visible on deal_journal for all
  using (can_see_deal(deal_id)) with check (can_see_deal(deal_id));

alter table calculations enable row level security;
alter table calculations force row level security;
create policy calculations_visible on calculations for all
  using (can_see_deal(deal_id)) with check (can_see_deal(deal_id));

alter table policies enable row level security;
alter table policies force row level security;
create policy policies_visible on policies for all
  using (app_is_admin() or case when deal_id is null then can_see_client(client_id) else can_see_deal(deal_id) end)
  with check (app_is_admin() or case when deal_id is null then can_see_client(client_id) else can_see_deal(deal_id) end);

alter table policy_documents enable row level security;
alter table policy_documents force row level security;
create policy policy_documents_visible on policy_documents for all
  using (can_see_policy(policy_id)) with check (can_see_policy(policy_id));

-- crm_app: DML on the service's tables (outbox and processed_events included), nothing else.
grant usage on schema crm to crm_app;
grant select, insert, update, delete on clients, deals, deal_participants, deal_journal, calculations, policies,
  policy_documents, outbox, processed_events to crm_app;
grant execute on all functions in schema crm to crm_app;
