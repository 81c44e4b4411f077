'use client';

import type { ActivateRequest, LoginRequest } from '@polis/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '@/lib/api';
import { queryKeys } from './query-keys';

/** The signed-in user; a lost session ends in the login redirect of the API client. */
export function useMe() {
  const api = useApi();
  return useQuery({ queryKey: queryKeys.me, queryFn: ({ signal }) => api.auth.me(signal), staleTime: 60_000 });
}

/** A new session starts with an empty cache, so nothing of a previous user is ever shown. */
export function useLogin() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LoginRequest) => api.auth.login(input),
    onSuccess: () => queryClient.clear(),
  });
}

export function useActivate() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ActivateRequest) => api.auth.activate(input),
    onSuccess: () => queryClient.clear(),
  });
}

export function useLogout() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.auth.logout(),
    onSettled: () => queryClient.clear(),
  });
}
