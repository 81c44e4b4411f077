-- Whether a client still has live deals, whoever can see them. Deleting a client must not depend
-- on which of its deals the caller happens to see: row-level security would hide a colleague's deal
-- from the check and let the client go while that deal lives on.
create function client_has_live_deals(p_client_id uuid) returns boolean
language sql stable security definer set search_path = crm, pg_temp
as $$
  select exists (select 1 from crm.deals d where d.client_id = p_client_id and not d.is_deleted)
$$;

grant execute on function client_has_live_deals(uuid) to crm_app;
