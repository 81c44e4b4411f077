export { useActivate, useLogin, useLogout, useMe } from './auth.queries';
export { createQueryClient, shouldRetry } from './query-client';
export { queryKeys } from './query-keys';
export {
  useAddUserRole,
  useInviteUser,
  useReinviteUser,
  useRemoveUserRole,
  useRoles,
  useSetUserEnabled,
  useUsers,
} from './users.queries';
