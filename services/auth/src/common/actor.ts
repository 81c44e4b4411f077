import type { Principal } from '@polis/auth-kit';
import type { Actor } from '../audit/audit.events.js';
import type { RequestMeta } from './request-meta.js';

export function actorOf(principal: Principal, meta: RequestMeta): Actor {
  return { id: principal.userId, type: principal.type === 'service' ? 'service' : 'user', meta };
}
