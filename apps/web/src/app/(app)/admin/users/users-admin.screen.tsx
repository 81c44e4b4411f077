'use client';

import { Button, Group, Loader, Modal, Pagination, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { type InviteResponse, type User, type UsersQuery, userStatusSchema } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm.dialog';
import { LoadError } from '@/components/load-error';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useRoleLabel } from '@/lib/i18n/use-role-label';
import {
  useAddUserRole,
  useMe,
  useReinviteUser,
  useRemoveUserRole,
  useRoles,
  useSetUserEnabled,
  useUsers,
} from '@/lib/queries';
import { ActivationLink } from './activation-link';
import { InviteUserDialog, useAssignableRoles } from './invite-user.dialog';
import { displayName, UsersTable } from './users.table';

export const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 300;

interface PendingToggle {
  user: User;
  enabled: boolean;
}

/** Admin screen: find users, invite, enable/disable, assign and remove roles. */
export function UsersAdminScreen() {
  const t = useTranslations();
  const roleLabel = useRoleLabel();
  const { describe } = useErrorMessages();
  const me = useMe();
  const roles = useRoles();
  const assignableRoles = useAssignableRoles();

  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [role, setRole] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [inviteOpen, setInviteOpen] = useState(false);
  // Dialog contents outlive `opened` so that they do not change while the dialog fades out.
  const [pendingToggle, setPendingToggle] = useState<PendingToggle | null>(null);
  const [toggleOpen, setToggleOpen] = useState(false);
  const [reinvited, setReinvited] = useState<(InviteResponse & { name: string }) | null>(null);
  const [reinviteOpen, setReinviteOpen] = useState(false);

  const parsedStatus = userStatusSchema.safeParse(status);
  const query: UsersQuery = {
    search: debouncedSearch || undefined,
    role: role ?? undefined,
    status: parsedStatus.success ? parsedStatus.data : undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const users = useUsers(query);
  const setEnabled = useSetUserEnabled();
  const addRole = useAddUserRole();
  const removeRole = useRemoveUserRole();
  const reinvite = useReinviteUser();

  const actionError = (error: unknown) => {
    const known: Record<string, string> = {
      cannot_remove_default_role: t('users.errors.cannotRemoveDefaultRole'),
      cannot_disable_self: t('users.errors.cannotDisableSelf'),
      user_not_activated: t('users.errors.notActivated'),
      user_not_found: t('users.errors.userNotFound'),
    };
    const message = (isApiError(error) && known[error.code]) || describe(error);
    notifications.show({ color: 'red', title: t('users.actionFailed'), message });
  };

  const confirmToggle = () => {
    if (!pendingToggle) return;
    const { user, enabled } = pendingToggle;
    setEnabled.mutate(
      { id: user.id, enabled },
      {
        onSuccess: () => {
          setToggleOpen(false);
          notifications.show({
            color: enabled ? 'green' : 'gray',
            message: enabled
              ? t('users.enabled', { name: displayName(user) })
              : t('users.disabled', { name: displayName(user) }),
          });
        },
        onError: (error) => {
          setToggleOpen(false);
          actionError(error);
        },
      },
    );
  };

  const total = users.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // After a change shrinks the list (a filtered status), stay on a page that still has rows.
  const lastPage = users.data ? pages : page;
  useEffect(() => {
    if (page > lastPage) setPage(lastPage);
  }, [page, lastPage]);
  const items = users.data?.items ?? [];
  const from = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const to = Math.min(total, page * PAGE_SIZE);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={4}>
          <Title order={1} id="users-title">
            {t('users.title')}
          </Title>
          <Text c="dimmed">{t('users.subtitle')}</Text>
        </Stack>
        <Button onClick={() => setInviteOpen(true)}>{t('users.invite')}</Button>
      </Group>

      <Group gap="md" align="flex-end" wrap="wrap" role="search">
        <TextInput
          label={t('users.search')}
          placeholder={t('users.searchPlaceholder')}
          type="search"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setPage(1);
          }}
          w={{ base: '100%', xs: 280 }}
        />
        <Select
          label={t('users.role')}
          placeholder={t('users.allRoles')}
          data={(roles.data ?? []).map((option) => ({ value: option.name, label: roleLabel(option.name) }))}
          value={role}
          onChange={(value) => {
            setRole(value);
            setPage(1);
          }}
          clearable
          w={{ base: '100%', xs: 220 }}
        />
        <Select
          label={t('users.status')}
          placeholder={t('users.anyStatus')}
          data={userStatusSchema.options.map((option) => ({ value: option, label: t(`status.${option}`) }))}
          value={status}
          onChange={(value) => {
            setStatus(value);
            setPage(1);
          }}
          clearable
          w={{ base: '100%', xs: 200 }}
        />
        {users.isFetching && <Loader size="sm" aria-label={t('common.loading')} />}
      </Group>

      {users.isError && (
        <LoadError
          title={t('users.loadFailed')}
          message={describe(users.error)}
          retryLabel={t('common.retry')}
          onRetry={() => users.refetch()}
        />
      )}

      {users.data && items.length === 0 && (
        <Text c="dimmed" role="status">
          {t('users.empty')}
        </Text>
      )}

      {items.length > 0 && (
        <UsersTable
          users={items}
          currentUserId={me.data?.id ?? ''}
          assignableRoles={assignableRoles}
          labelledBy="users-title"
          onToggleEnabled={(user, enabled) => {
            setPendingToggle({ user, enabled });
            setToggleOpen(true);
          }}
          onReinvite={(user) =>
            reinvite.mutate(user.id, {
              onSuccess: (response) => {
                setReinvited({ ...response, name: displayName(user) });
                setReinviteOpen(true);
              },
              onError: actionError,
            })
          }
          onAddRole={(user, roleName) =>
            addRole.mutate(
              { id: user.id, roleName },
              {
                onSuccess: () =>
                  notifications.show({ color: 'green', message: t('users.roleAdded', { role: roleLabel(roleName) }) }),
                onError: actionError,
              },
            )
          }
          onRemoveRole={(user, roleName) =>
            removeRole.mutate(
              { id: user.id, roleName },
              {
                onSuccess: () => notifications.show({ message: t('users.roleRemoved', { role: roleLabel(roleName) }) }),
                onError: actionError,
              },
            )
          }
        />
      )}

      {total > 0 && (
        <Group justify="space-between" wrap="wrap">
          <Text size="sm" c="dimmed">
            {t('users.shown', { from, to, total })}
          </Text>
          {pages > 1 && (
            <Pagination
              total={pages}
              value={page}
              onChange={setPage}
              getControlProps={(control) => ({
                'aria-label':
                  control === 'previous'
                    ? t('users.previousPage')
                    : control === 'next'
                      ? t('users.nextPage')
                      : undefined,
              })}
              getItemProps={(item) => ({ 'aria-label': t('users.page', { page: item }) })}
              aria-label={t('users.pagination')}
            />
          )}
        </Group>
      )}

      <InviteUserDialog opened={inviteOpen} onClose={() => setInviteOpen(false)} />

      <ConfirmDialog
        opened={toggleOpen}
        title={pendingToggle?.enabled ? t('users.confirmEnableTitle') : t('users.confirmDisableTitle')}
        text={
          pendingToggle
            ? t(pendingToggle.enabled ? 'users.confirmEnableText' : 'users.confirmDisableText', {
                name: displayName(pendingToggle.user),
              })
            : ''
        }
        confirmLabel={pendingToggle?.enabled ? t('users.enable') : t('users.disable')}
        color={pendingToggle?.enabled ? 'green' : 'red'}
        loading={setEnabled.isPending}
        onConfirm={confirmToggle}
        onCancel={() => setToggleOpen(false)}
      />

      <Modal opened={reinviteOpen} onClose={() => setReinviteOpen(false)} title={t('reinvite.title')}>
        {reinvited && (
          <Stack gap="md">
            <Text>{t('reinvite.text', { name: reinvited.name })}</Text>
            <ActivationLink link={reinvited.activationLink} />
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
