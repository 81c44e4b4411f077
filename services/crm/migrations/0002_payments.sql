-- Payments of a deal's policies and their income / expense lines (domain.md §2.8–2.9, §3.4).
-- Totals and status are derived by the service in the transaction of every change; the checks
-- here keep the stored numbers consistent whatever writes them. Runs with search_path = crm.

-- Lets a payment refer to (policy, deal): its deal is always its policy's deal (invariant 5).
alter table policies add constraint uq_policies_id_deal unique (id, deal_id);

-- The last sequence handed out per policy: numbers are never reused, even after a deletion.
create table payment_sequences (
  policy_id uuid primary key references policies (id) on update cascade on delete restrict,
  last_sequence integer not null check (last_sequence > 0)
);

create table payments (
  id uuid primary key,
  deal_id uuid not null references deals (id) on update cascade on delete restrict,
  policy_id uuid not null,
  sequence integer not null check (sequence > 0),
  status varchar(32) not null default 'scheduled'
    check (status in ('scheduled', 'partially_paid', 'paid', 'cancelled')),
  planned_date date,
  planned_amount numeric(14, 2) not null check (planned_amount > 0),
  currency varchar(3) not null default 'RUB' check (currency = 'RUB'),
  comment text check (char_length(comment) <= 500),
  actual_date date,
  recorded_by_id uuid,
  created_by_id uuid,
  updated_by_id uuid,
  incomes_total numeric(14, 2) not null default 0 check (incomes_total >= 0),
  expenses_total numeric(14, 2) not null default 0 check (expenses_total >= 0),
  net_total numeric(14, 2) not null default 0,
  version integer not null default 1 check (version > 0),
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint uq_payments_policy_sequence unique (policy_id, sequence),
  constraint ck_payments_net_total check (net_total = incomes_total - expenses_total),
  constraint fk_payments_policy_deal foreign key (policy_id, deal_id) references policies (id, deal_id)
    on update cascade on delete restrict
);
create index ix_payments_deal on payments (deal_id);
create index ix_payments_policy_actual_date on payments (policy_id, actual_date);
create index ix_payments_status on payments (status);

create table payment_incomes (
  id uuid primary key,
  payment_id uuid not null references payments (id) on update cascade on delete cascade,
  amount numeric(14, 2) not null check (amount > 0),
  currency varchar(3) not null default 'RUB' check (currency = 'RUB'),
  category varchar(64) not null check (char_length(btrim(category)) between 1 and 64),
  posted_at date not null,
  note text check (char_length(note) <= 300),
  created_by_id uuid,
  updated_by_id uuid,
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ix_payment_incomes_posted_at on payment_incomes (posted_at, payment_id);
create index ix_payment_incomes_payment on payment_incomes (payment_id, posted_at, created_at) where not is_deleted;

create table payment_expenses (
  id uuid primary key,
  payment_id uuid not null references payments (id) on update cascade on delete cascade,
  amount numeric(14, 2) not null check (amount > 0),
  currency varchar(3) not null default 'RUB' check (currency = 'RUB'),
  category varchar(64) not null check (char_length(btrim(category)) between 1 and 64),
  posted_at date not null,
  note text check (char_length(note) <= 300),
  created_by_id uuid,
  updated_by_id uuid,
  is_deleted boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ix_payment_expenses_posted_at on payment_expenses (posted_at, payment_id);
create index ix_payment_expenses_payment on payment_expenses (payment_id, posted_at, created_at) where not is_deleted;

-- Lines are visible with their payment, which is visible with its deal.
create function can_see_payment(p_payment_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select crm.app_is_admin() or exists (
    select 1 from crm.payments p where p.id = p_payment_id and crm.can_see_deal(p.deal_id)
  )
$$;

alter table payment_sequences enable row level security;
alter table payment_sequences force row level security;
create policy payment_sequences_visible on payment_sequences for all
  using (can_see_policy(policy_id)) with check (can_see_policy(policy_id));

alter table payments enable row level security;
alter table payments force row level security;
create policy payments_visible on payments for all
  using (can_see_deal(deal_id)) with check (can_see_deal(deal_id));

alter table payment_incomes enable row level security;
alter table payment_incomes force row level security;
create policy payment_incomes_visible on payment_incomes for all
  using (can_see_payment(payment_id)) with check (can_see_payment(payment_id));

alter table payment_expenses enable row level security;
alter table payment_expenses force row level security;
create policy payment_expenses_visible on payment_expenses for all
  using (can_see_payment(payment_id)) with check (can_see_payment(payment_id));

grant select, insert, update, delete on payment_sequences, payments, payment_incomes, payment_expenses to crm_app;
grant execute on function can_see_payment(uuid) to crm_app;
