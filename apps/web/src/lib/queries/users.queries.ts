'use client';

import type { InviteRequest, UsersQuery } from '@polis/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api';
import { queryKeys } from './query-keys';

export function useUsers(query: UsersQuery) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.usersPage(query),
    queryFn: ({ signal }) => api.users.list(query, signal),
    // Paging and filtering keep the old rows on screen until the new page arrives.
    placeholderData: keepPreviousData,
  });
}

export function useRoles() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.roles, queryFn: ({ signal }) => api.roles.list(signal), staleTime: 300_000 });
}

/** Every change to a user refreshes the lists that show users (and the admin's own profile). */
function useUsersMutation<TInput, TResult>(mutationFn: (input: TInput) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]);
    },
  });
}

export function useInviteUser() {
  const api = useApi();
  return useUsersMutation((input: InviteRequest) => api.users.invite(input));
}

export function useReinviteUser() {
  const api = useApi();
  return useUsersMutation((id: string) => api.users.reinvite(id));
}

export function useSetUserEnabled() {
  const api = useApi();
  return useUsersMutation(({ id, enabled }: { id: string; enabled: boolean }) => api.users.update(id, { enabled }));
}

export function useAddUserRole() {
  const api = useApi();
  return useUsersMutation(({ id, roleName }: { id: string; roleName: string }) => api.users.addRole(id, roleName));
}

export function useRemoveUserRole() {
  const api = useApi();
  return useUsersMutation(({ id, roleName }: { id: string; roleName: string }) => api.users.removeRole(id, roleName));
}
