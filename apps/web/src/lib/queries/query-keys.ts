import type { UsersQuery } from '@polis/contracts';

export const queryKeys = {
  me: ['auth', 'me'] as const,
  users: ['users'] as const,
  usersPage: (query: UsersQuery) => ['users', 'page', query] as const,
  roles: ['roles'] as const,
};
