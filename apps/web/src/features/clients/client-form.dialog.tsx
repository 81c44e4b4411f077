'use client';

import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CLIENT_STATUSES, CLIENT_TYPES, type Client, type ClientStatus, type ClientType } from '@polis/contracts';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useCrmFormErrors } from '@/features/deals/form-helpers';
import { useCreateClient, useUpdateClient } from '@/lib/queries/clients.queries';

function orNull(value: string): string | null {
  return value.trim() === '' ? null : value.trim();
}

/** Creates a client, or edits the contacts of one (`client` given). */
export function ClientFormDialog({
  client,
  opened,
  onClose,
}: {
  client?: Client;
  opened: boolean;
  onClose: () => void;
}) {
  const t = useTranslations('clients.form');
  const tl = useTranslations('clients');
  const router = useRouter();
  const create = useCreateClient();
  const update = useUpdateClient(client?.id ?? '');
  const form = useCrmFormErrors();
  const [name, setName] = useState(client?.name ?? '');
  const [email, setEmail] = useState(client?.email ?? '');
  const [phone, setPhone] = useState(client?.phone ?? '');
  const [type, setType] = useState<ClientType>(client?.type ?? 'individual');
  const [status, setStatus] = useState<ClientStatus>(client?.status ?? 'active');

  const reset = () => {
    setName(client?.name ?? '');
    setEmail(client?.email ?? '');
    setPhone(client?.phone ?? '');
    setType(client?.type ?? 'individual');
    setStatus(client?.status ?? 'active');
    form.clear();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    const fields = { name, email: orNull(email), phone: orNull(phone), type, status };
    if (client) {
      update.mutate({ ...fields, version: client.version }, { onSuccess: onClose, onError: form.show });
      return;
    }
    create.mutate(fields, {
      onSuccess: (created) => {
        notifications.show({ color: 'green', message: t('created', { name: created.name }) });
        onClose();
        router.push(`/clients/${created.id}`);
      },
      onError: form.show,
    });
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={reset}
      title={client ? t('editTitle') : t('createTitle')}
      onSubmit={submit}
      formError={form.formError}
      submitLabel={client ? t('save') : t('create')}
      pending={create.isPending || update.isPending}
    >
      <TextInput
        label={t('name')}
        withAsterisk
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
        error={form.errors.name}
        data-autofocus
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        <TextInput
          label={t('email')}
          type="email"
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={form.errors.email}
        />
        <TextInput
          label={t('phone')}
          type="tel"
          value={phone}
          onChange={(event) => setPhone(event.currentTarget.value)}
          error={form.errors.phone}
        />
        <Select
          label={t('type')}
          data={CLIENT_TYPES.map((value) => ({ value, label: tl(`types.${value}`) }))}
          value={type}
          onChange={(value) => setType((value as ClientType | null) ?? 'individual')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label={t('status')}
          data={CLIENT_STATUSES.map((value) => ({ value, label: tl(`statuses.${value}`) }))}
          value={status}
          onChange={(value) => setStatus((value as ClientStatus | null) ?? 'active')}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
      </SimpleGrid>
    </FormModal>
  );
}
