import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type DirectoryEntry,
  type InviteResponse,
  type ParsedInviteRequest,
  type ParsedUsersQuery,
  ROLE_IDS,
  ROLES,
  type UpdateUserRequest,
  type User,
  type UsersPage,
} from '@polis/contracts';
import type { Database } from '@polis/db';
import { Conflict, Invalid, NotFound } from '@polis/platform';
import { type Actor, type AuditEntry, AuditEvents } from '../audit/audit.events.js';
import type { AuthConfig } from '../auth.config.js';
import { AUTH_CONFIG, DATABASE } from '../auth.tokens.js';
import type { RoleRow, UserRow } from '../db/schema.js';
import { RoleRepository } from '../roles/role.repository.js';
import { AccountCutoff } from '../sessions/account-cutoff.js';
import { ActivationTokenStore } from './activation-token.store.js';
import { type UserPatch, UserRepository } from './user.repository.js';
import { toDirectoryEntry, toUser } from './user.view.js';

const userNotFound = () => new NotFound('The user does not exist.', 'user_not_found');
const roleNotFound = (name: string) => new NotFound(`The role ${name} does not exist.`, 'role_not_found');

/** Administration of accounts: invitations, profile, enable/disable, role assignment. */
@Injectable()
export class UserService {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(DATABASE) private readonly db: Database,
    private readonly users: UserRepository,
    private readonly roles: RoleRepository,
    private readonly audit: AuditEvents,
    private readonly activationTokens: ActivationTokenStore,
    private readonly cutoff: AccountCutoff,
  ) {}

  /** Creates the account as `invited` (cannot sign in) and hands back its one-time activation link. */
  async invite(actor: Actor, input: ParsedInviteRequest): Promise<InviteResponse> {
    const roleRows = await this.assignableRoles(input.roles);
    const id = randomUUID();
    const created = await this.db.transaction(async (tx) => {
      const inserted = await this.users.insert(tx, {
        id,
        email: input.email,
        passwordHash: null,
        fullName: input.fullName,
        phone: input.phone ?? null,
        status: 'invited',
      });
      if (!inserted) return false;
      await this.users.assignRoles(tx, id, [ROLE_IDS.ROLE_USER, ...roleRows.map((role) => role.id)]);
      await this.audit.record(tx, actor, [
        {
          key: 'auth.user.created',
          entityType: 'user',
          entityId: id,
          tags: { email: input.email, via: 'invite', roles: [ROLES.USER, ...roleRows.map((r) => r.name)].join(',') },
        },
      ]);
      return true;
    });
    if (!created) throw new Conflict('A user with this email already exists.', 'user_exists');
    this.audit.published();
    return { id, activationLink: this.activationLink(await this.activationTokens.issue(id)) };
  }

  /** A new activation link for a user who has not activated yet; the previous link stops working. */
  async reinvite(actor: Actor, id: string): Promise<InviteResponse> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound();
    if (user.passwordHash !== null || user.technical) {
      throw new Conflict('The user has already activated the account.', 'user_already_active');
    }
    const activationLink = this.activationLink(await this.activationTokens.issue(id));
    await this.db.transaction(async (tx) => {
      if (user.status !== 'invited') await this.users.update(tx, id, { status: 'invited', enabled: false });
      await this.audit.record(tx, actor, [
        { key: 'auth.user.updated', entityType: 'user', entityId: id, tags: { change: 'invitation_reissued' } },
      ]);
    });
    this.audit.published();
    await this.cutoff.restore(id);
    return { id, activationLink };
  }

  async list(query: ParsedUsersQuery): Promise<UsersPage> {
    const { rows, total } = await this.users.list(query);
    return { items: await this.views(rows), total };
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound();
    const [view] = await this.views([user]);
    if (!view) throw userNotFound();
    return view;
  }

  async directory(): Promise<DirectoryEntry[]> {
    const rows = await this.users.directory();
    const roles = await this.users.rolesOf(rows.map((row) => row.id));
    return rows.map((row) => toDirectoryEntry(row, roles.get(row.id) ?? []));
  }

  /** Profile changes; `enabled=false` disables the account and cuts every session off at once. */
  async update(actor: Actor, id: string, input: UpdateUserRequest): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) throw userNotFound();
    if (input.enabled === false && actor.id === id) {
      throw new Conflict('You cannot disable your own account.', 'cannot_disable_self');
    }
    const patch: UserPatch = {};
    const entries: AuditEntry[] = [];
    const changed: string[] = [];
    if (input.fullName !== undefined && input.fullName !== user.fullName) {
      patch.fullName = input.fullName;
      changed.push('fullName');
    }
    if (input.phone !== undefined && input.phone !== user.phone) {
      patch.phone = input.phone;
      changed.push('phone');
    }
    if (changed.length > 0) {
      entries.push({ key: 'auth.user.updated', entityType: 'user', entityId: id, tags: { fields: changed.join(',') } });
    }
    const disabling = input.enabled === false && user.status !== 'disabled';
    const enabling = input.enabled === true && !user.enabled;
    if (disabling) {
      Object.assign(patch, { status: 'disabled', enabled: false });
      entries.push({ key: 'auth.user.disabled', entityType: 'user', entityId: id });
    }
    if (enabling) {
      if (user.passwordHash === null) {
        throw new Conflict(
          'The user has never activated the account; send a new invitation instead.',
          'user_not_activated',
        );
      }
      Object.assign(patch, { status: 'active', enabled: true });
      entries.push({ key: 'auth.user.enabled', entityType: 'user', entityId: id });
    }
    if (entries.length > 0) {
      await this.db.transaction(async (tx) => {
        await this.users.update(tx, id, patch);
        await this.audit.record(tx, actor, entries);
      });
      this.audit.published();
    }
    if (disabling) {
      await this.cutoff.cutOff(id);
      await this.activationTokens.revoke(id);
    }
    if (enabling) await this.cutoff.restore(id);
    return this.get(id);
  }

  async addRole(actor: Actor, id: string, roleName: string): Promise<User> {
    if (roleName === ROLES.SERVICE) {
      throw new Invalid('ROLE_SERVICE is reserved for service clients.', 'reserved_role');
    }
    const role = await this.roles.findByName(roleName);
    const user = await this.users.findById(id);
    if (!user) throw userNotFound();
    if (!role) throw roleNotFound(roleName);
    const added = await this.db.transaction(async (tx) => {
      const [assigned] = await this.users.assignRoles(tx, id, [role.id]);
      if (assigned) {
        await this.audit.record(tx, actor, [
          { key: 'auth.role.assigned', entityType: 'user', entityId: id, tags: { role: role.name } },
        ]);
      }
      return assigned !== undefined;
    });
    if (added) this.audit.published();
    return this.get(id);
  }

  async removeRole(actor: Actor, id: string, roleName: string): Promise<User> {
    if (roleName === ROLES.USER) {
      throw new Invalid('Every user keeps ROLE_USER.', 'cannot_remove_default_role');
    }
    const role = await this.roles.findByName(roleName);
    const user = await this.users.findById(id);
    if (!user) throw userNotFound();
    if (!role) throw roleNotFound(roleName);
    const removed = await this.db.transaction(async (tx) => {
      const done = await this.users.removeRole(tx, id, role.id);
      if (done) {
        await this.audit.record(tx, actor, [
          { key: 'auth.role.removed', entityType: 'user', entityId: id, tags: { role: role.name } },
        ]);
      }
      return done;
    });
    if (removed) this.audit.published();
    return this.get(id);
  }

  /** Roles an admin may hand to a person: existing ones, never the machines' ROLE_SERVICE. */
  private async assignableRoles(names: string[]): Promise<RoleRow[]> {
    const wanted = [...new Set(names)].filter((name) => name !== ROLES.USER);
    if (wanted.includes(ROLES.SERVICE)) {
      throw new Invalid('ROLE_SERVICE is reserved for service clients.', 'reserved_role');
    }
    const found = await this.roles.findByNames(wanted);
    const missing = wanted.find((name) => !found.some((role) => role.name === name));
    if (missing) throw roleNotFound(missing);
    return found;
  }

  private async views(rows: UserRow[]): Promise<User[]> {
    const ids = rows.map((row) => row.id);
    const roles = await this.users.rolesOf(ids);
    const linked = await this.users.telegramLinked(ids);
    return rows.map((row) => toUser(row, roles.get(row.id) ?? [], linked.has(row.id)));
  }

  private activationLink(token: string): string {
    return `${this.config.webBaseUrl}/activate?token=${encodeURIComponent(token)}`;
  }
}
