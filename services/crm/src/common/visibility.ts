import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { clients, dealParticipants, deals, policies } from '../db/schema.js';
import type { Caller } from './caller.js';

/*
 * The visibility rules of platform.md §1.3 as query conditions: the same rules the row-level
 * security policies enforce, applied again in every repository query (defence in depth).
 * `undefined` means "every row" (admins and services).
 */

const nothing = sql`false`;

/** Deal: owner or team member (`deals` must be in the FROM clause). */
export function dealVisibility(caller: Caller): SQL | undefined {
  if (caller.isAdmin) return undefined;
  if (caller.userId === null) return nothing;
  return sql`(${deals.ownerId} = ${caller.userId} or exists (select 1 from ${dealParticipants} where ${dealParticipants.dealId} = ${deals.id} and ${dealParticipants.userId} = ${caller.userId}))`;
}

/** The same rule for a deal id held by another table's column. */
export function dealIdVisibility(caller: Caller, dealId: SQL | AnyColumn): SQL | undefined {
  if (caller.isAdmin) return undefined;
  if (caller.userId === null) return nothing;
  return sql`exists (select 1 from crm.deals vd where vd.id = ${dealId} and (vd.owner_id = ${caller.userId} or exists (select 1 from crm.deal_participants vp where vp.deal_id = vd.id and vp.user_id = ${caller.userId})))`;
}

/** Client: owner, or any live deal of it visible (`clients` must be in the FROM clause). */
export function clientVisibility(caller: Caller): SQL | undefined {
  if (caller.isAdmin) return undefined;
  if (caller.userId === null) return nothing;
  return clientIdVisibility(caller, sql`${clients.id}`, sql`${clients.ownerId}`);
}

function clientIdVisibility(caller: Caller, clientId: SQL, ownerId: SQL | undefined): SQL {
  const owned =
    ownerId === undefined
      ? sql`exists (select 1 from crm.clients vc where vc.id = ${clientId} and vc.owner_id = ${caller.userId})`
      : sql`${ownerId} = ${caller.userId}`;
  return sql`(${owned} or exists (select 1 from crm.deals vd where vd.client_id = ${clientId} and not vd.is_deleted and (vd.owner_id = ${caller.userId} or exists (select 1 from crm.deal_participants vp where vp.deal_id = vd.id and vp.user_id = ${caller.userId}))))`;
}

/** Policy: its deal visible, or (imported, without a deal) its client visible (`policies` in FROM). */
export function policyVisibility(caller: Caller): SQL | undefined {
  if (caller.isAdmin) return undefined;
  if (caller.userId === null) return nothing;
  const byDeal = dealIdVisibility(caller, sql`${policies.dealId}`) ?? sql`true`;
  const byClient = clientIdVisibility(caller, sql`${policies.clientId}`, undefined);
  return sql`(case when ${policies.dealId} is null then ${byClient} else ${byDeal} end)`;
}
