'use client';

import { Button, Group, MultiSelect, Stack, Text, TextInput } from '@mantine/core';
import { type InviteResponse, ROLES } from '@polis/contracts';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { ModalForm, ResponsiveModal } from '@/components/form-modal';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useRoleLabel } from '@/lib/i18n/use-role-label';
import { useInviteUser, useRoles } from '@/lib/queries';
import { useFormErrors } from '@/lib/use-form-errors';
import { ActivationLink } from './activation-link';

/** Everyone holds ROLE_USER anyway; service tokens are not for people. */
const NOT_ASSIGNABLE: readonly string[] = [ROLES.USER, ROLES.SERVICE];

export function useAssignableRoles(): { value: string; label: string }[] {
  const roles = useRoles();
  const roleLabel = useRoleLabel();
  return (roles.data ?? [])
    .filter((role) => !NOT_ASSIGNABLE.includes(role.name))
    .map((role) => ({ value: role.name, label: roleLabel(role.name) }));
}

interface Invited extends InviteResponse {
  name: string;
}

/** Creates an invited user and shows the activation link to hand over. */
export function InviteUserDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useTranslations();
  const invite = useInviteUser();
  const roleOptions = useAssignableRoles();
  const { describe, fieldErrors } = useErrorMessages();
  const form = useFormErrors({
    describe: (error) => (isApiError(error) && error.code === 'user_exists' ? t('invite.userExists') : describe(error)),
    fieldOf: { user_exists: 'email' },
    fields: (error) => (isApiError(error) && error.code === 'validation_error' ? fieldErrors(error) : {}),
  });
  const [email, setEmail] = useState('');
  const [fullName, setFullName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [invited, setInvited] = useState<Invited | null>(null);

  // Cleared once the closing animation is over, so the dialog does not flash back to the empty form.
  const clear = () => {
    setEmail('');
    setFullName('');
    setRoles([]);
    form.clear();
    setInvited(null);
    invite.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    invite.mutate(
      { email, fullName, roles },
      {
        onSuccess: (response) => setInvited({ ...response, name: fullName.trim() || email.trim() }),
        onError: form.show,
      },
    );
  };

  return (
    <ResponsiveModal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={clear}
      title={invited ? t('invite.sentTitle') : t('invite.title')}
      size="lg"
    >
      {invited ? (
        <Stack gap="md">
          <Text>{t('invite.sentText', { name: invited.name })}</Text>
          <ActivationLink link={invited.activationLink} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <ModalForm
          onSubmit={submit}
          onCancel={onClose}
          formError={form.formError}
          submitLabel={t('invite.submit')}
          pending={invite.isPending}
          gap="md"
        >
          <TextInput
            label={t('invite.email')}
            type="email"
            name="email"
            autoComplete="off"
            withAsterisk
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={form.errors.email}
            data-autofocus
          />
          <TextInput
            label={t('invite.fullName')}
            name="fullName"
            autoComplete="off"
            withAsterisk
            value={fullName}
            onChange={(event) => setFullName(event.currentTarget.value)}
            error={form.errors.fullName}
          />
          <MultiSelect
            label={t('invite.roles')}
            description={t('invite.rolesHint')}
            placeholder={t('invite.rolesPlaceholder')}
            data={roleOptions}
            value={roles}
            onChange={setRoles}
            error={form.errors.roles}
            comboboxProps={{ withinPortal: true }}
          />
        </ModalForm>
      )}
    </ResponsiveModal>
  );
}
