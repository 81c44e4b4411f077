import {
  type ActivateRequest,
  activateRequestSchema,
  addRoleRequestSchema,
  type DirectoryEntry,
  type InviteRequest,
  type InviteResponse,
  inviteRequestSchema,
  type LoginRequest,
  type LogoutRequest,
  loginRequestSchema,
  logoutRequestSchema,
  type Role,
  roleParamSchema,
  type TokenPair,
  type UpdateUserRequest,
  type User,
  type UsersPage,
  type UsersQuery,
  updateUserRequestSchema,
  userIdParamSchema,
  usersQuerySchema,
} from '@polis/contracts';
import type { ApiClient } from './api-client';
import { ApiError, type ValidationIssue } from './api-error';

/** In cookie mode the Gateway moves both tokens into httpOnly cookies; only the lifetimes stay. */
export type SessionResponse = Omit<TokenPair, 'accessToken' | 'refreshToken'> &
  Partial<Pick<TokenPair, 'accessToken' | 'refreshToken'>>;

type SafeParseResult<T> = { success: true; data: T } | { success: false; error: { issues: ValidationIssue[] } };

interface ContractSchema<T> {
  safeParse(input: unknown): SafeParseResult<T>;
}

/** Validates with the same contract schema the server uses, so nothing invalid leaves the browser. */
export function validated<T>(schema: ContractSchema<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw ApiError.validation(result.error.issues);
  return result.data;
}

function userPath(id: string): string {
  return `/users/${encodeURIComponent(validated(userIdParamSchema, id))}`;
}

/**
 * Typed Auth routes of the Gateway (users and roles live in Auth too). Every call returns a promise,
 * also when the input is refused before sending.
 */
export function createPolisApi(client: ApiClient) {
  return {
    auth: {
      login: async (input: LoginRequest) =>
        client.request<SessionResponse>('POST', '/auth/token', {
          body: validated(loginRequestSchema, input),
          sessionMode: true,
          sessionRequired: false,
        }),
      activate: async (input: ActivateRequest) =>
        client.request<SessionResponse>('POST', '/auth/activate', {
          body: validated(activateRequestSchema, input),
          sessionMode: true,
          sessionRequired: false,
        }),
      refresh: async () => client.refreshSession(),
      /** Always ends the local session, even when the server could not be told. */
      logout: async (input: LogoutRequest = {}) => {
        try {
          await client.request<void>('POST', '/auth/logout', { body: validated(logoutRequestSchema, input) });
        } finally {
          client.endSession('logout');
        }
      },
      me: async (signal?: AbortSignal) => client.request<User>('GET', '/auth/me', { signal }),
    },
    users: {
      list: async (query: UsersQuery, signal?: AbortSignal) =>
        client.request<UsersPage>('GET', '/users', { query: validated(usersQuerySchema, query), signal }),
      get: async (id: string, signal?: AbortSignal) => client.request<User>('GET', userPath(id), { signal }),
      directory: async (signal?: AbortSignal) =>
        client.request<DirectoryEntry[]>('GET', '/users/directory', { signal }),
      invite: async (input: InviteRequest) =>
        client.request<InviteResponse>('POST', '/users', { body: validated(inviteRequestSchema, input) }),
      /** A new activation link for an invited user; the previous one stops working. */
      reinvite: async (id: string) => client.request<InviteResponse>('POST', `${userPath(id)}/invite`),
      update: async (id: string, input: UpdateUserRequest) =>
        client.request<User>('PATCH', userPath(id), { body: validated(updateUserRequestSchema, input) }),
      addRole: async (id: string, roleName: string) =>
        client.request<User>('POST', `${userPath(id)}/roles`, {
          body: validated(addRoleRequestSchema, { roleName }),
        }),
      removeRole: async (id: string, roleName: string) =>
        client.request<User>(
          'DELETE',
          `${userPath(id)}/roles/${encodeURIComponent(validated(roleParamSchema, roleName))}`,
        ),
    },
    roles: {
      list: async (signal?: AbortSignal) => client.request<Role[]>('GET', '/roles', { signal }),
    },
  };
}

export type PolisApi = ReturnType<typeof createPolisApi>;
