-- Commission and reporting on payments (issue 5): the policy's commission rate, indexes for the
-- cross-policy payments list and its export, and row-level security that stays cheap for the
-- thousands of lines of an import. Runs with search_path = crm.

-- Percent of the premium the insurer pays the agency; expected commission = premium × rate / 100,
-- rounded half-up to the kopeck by the service's SQL.
alter table policies add column commission_rate numeric(5, 2)
  check (commission_rate is null or (commission_rate >= 0 and commission_rate <= 100));

-- The payments list and export: keyset order (planned date, missing dates last, then id).
create index ix_payments_list_order on payments ((coalesce(planned_date, date '9999-12-31')), id) where not is_deleted;
create index ix_payments_actual_date on payments (actual_date) where not is_deleted;

-- Row-level security of payments and their lines, evaluated once per statement instead of once
-- per row: a SECURITY DEFINER call per row (can_see_payment → can_see_deal) costs a context switch
-- each, which made reading or writing thousands of lines (imports, totals) take seconds. The rule
-- is unchanged: admins and services see everything, others the payments of deals they own or are
-- on the team of.
create function visible_deal_ids() returns setof uuid
language sql stable security definer set search_path = crm, pg_temp
as $$
  select d.id from crm.deals d where d.owner_id = crm.app_user_id()
  union
  select p.deal_id from crm.deal_participants p where p.user_id = crm.app_user_id()
$$;
grant execute on function visible_deal_ids() to crm_app;

drop policy payments_visible on payments;
create policy payments_visible on payments for all
  using (app_is_admin() or deal_id in (select visible_deal_ids()))
  with check (app_is_admin() or deal_id in (select visible_deal_ids()));

drop policy payment_incomes_visible on payment_incomes;
create policy payment_incomes_visible on payment_incomes for all
  using (app_is_admin() or payment_id in (select p.id from payments p where p.deal_id in (select visible_deal_ids())))
  with check (app_is_admin() or payment_id in (select p.id from payments p where p.deal_id in (select visible_deal_ids())));

drop policy payment_expenses_visible on payment_expenses;
create policy payment_expenses_visible on payment_expenses for all
  using (app_is_admin() or payment_id in (select p.id from payments p where p.deal_id in (select visible_deal_ids())))
  with check (app_is_admin() or payment_id in (select p.id from payments p where p.deal_id in (select visible_deal_ids())));
