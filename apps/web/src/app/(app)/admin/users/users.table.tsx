'use client';

import { ActionIcon, Badge, Button, CloseButton, Group, Menu, Table, Text } from '@mantine/core';
import { ROLES, type User, type UserStatus } from '@polis/contracts';
import { useLocale, useTranslations } from 'next-intl';
import { formatDateTime } from '@/lib/format';
import { useRoleLabel } from '@/lib/i18n/use-role-label';

const STATUS_COLORS: Record<UserStatus, string> = { active: 'green', invited: 'blue', disabled: 'gray' };

export interface UserActions {
  onToggleEnabled: (user: User, enabled: boolean) => void;
  onReinvite: (user: User) => void;
  onAddRole: (user: User, roleName: string) => void;
  onRemoveRole: (user: User, roleName: string) => void;
}

export function displayName(user: Pick<User, 'fullName' | 'email'>): string {
  return user.fullName?.trim() || user.email;
}

interface UsersTableProps extends UserActions {
  users: User[];
  currentUserId: string;
  assignableRoles: { value: string; label: string }[];
  labelledBy: string;
}

export function UsersTable({ users, currentUserId, assignableRoles, labelledBy, ...actions }: UsersTableProps) {
  const t = useTranslations('users');
  const tStatus = useTranslations('status');
  const tCommon = useTranslations('common');
  const locale = useLocale();
  const roleLabel = useRoleLabel();

  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="sm" aria-labelledby={labelledBy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('columns.name')}</Table.Th>
            <Table.Th>{t('columns.email')}</Table.Th>
            <Table.Th>{t('columns.roles')}</Table.Th>
            <Table.Th miw={130}>{t('columns.status')}</Table.Th>
            <Table.Th miw={150}>{t('columns.lastLogin')}</Table.Th>
            <Table.Th>{t('columns.actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => {
            const name = displayName(user);
            const isSelf = user.id === currentUserId;
            const held = new Set(user.roles.map((role) => role.name));
            const addable = assignableRoles.filter((option) => !held.has(option.value));
            return (
              <Table.Tr key={user.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {user.fullName ?? tCommon('notSet')}
                  </Text>
                  {isSelf && (
                    <Text size="xs" c="dimmed">
                      {t('you')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {user.email}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    {user.roles.map((role) => (
                      <Badge
                        key={role.id}
                        variant="light"
                        tt="none"
                        color={role.name === ROLES.ADMIN ? 'grape' : 'indigo'}
                        pr={role.name === ROLES.USER ? undefined : 3}
                        rightSection={
                          role.name === ROLES.USER ? null : (
                            <CloseButton
                              size="xs"
                              variant="transparent"
                              aria-label={t('removeRole', { role: roleLabel(role.name), name })}
                              onClick={() => actions.onRemoveRole(user, role.name)}
                            />
                          )
                        }
                      >
                        {roleLabel(role.name)}
                      </Badge>
                    ))}
                    <Menu position="bottom-start" withinPortal>
                      <Menu.Target>
                        <ActionIcon
                          variant="subtle"
                          size="sm"
                          aria-label={t('addRoleTo', { name })}
                          title={t('addRole')}
                        >
                          +
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {addable.length === 0 ? (
                          <Menu.Label>{t('noMoreRoles')}</Menu.Label>
                        ) : (
                          addable.map((option) => (
                            <Menu.Item key={option.value} onClick={() => actions.onAddRole(user, option.value)}>
                              {option.label}
                            </Menu.Item>
                          ))
                        )}
                      </Menu.Dropdown>
                    </Menu>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[user.status]} variant="dot" tt="none">
                    {tStatus(user.status)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={user.lastLoginAt ? undefined : 'dimmed'}>
                    {user.lastLoginAt ? formatDateTime(user.lastLoginAt, locale) : t('never')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {user.status === 'invited' && (
                      <Button size="xs" variant="light" onClick={() => actions.onReinvite(user)}>
                        {t('newLink')}
                      </Button>
                    )}
                    {user.status === 'disabled' ? (
                      <Button
                        size="xs"
                        variant="light"
                        color="green"
                        onClick={() => actions.onToggleEnabled(user, true)}
                      >
                        {t('enable')}
                      </Button>
                    ) : (
                      !isSelf && (
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => actions.onToggleEnabled(user, false)}
                        >
                          {t('disable')}
                        </Button>
                      )
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
