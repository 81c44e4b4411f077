'use client';

import { Select, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useCreateDeal } from '@/lib/queries/deals.queries';
import { DealOwnerSelect } from './deal-owner.select';
import { addDaysIso, todayIso, useClientNames, useViewer } from './deal-shared';
import { useCrmFormErrors } from './form-helpers';

/** Opens a deal for a client: title, description and the first review date; administrators also pick its owner. */
export function DealCreateDialog({
  opened,
  onClose,
  clientId: fixedClientId,
}: {
  opened: boolean;
  onClose: () => void;
  /** Opened from a client card: the client is given. */
  clientId?: string;
}) {
  const t = useTranslations('deals.create');
  const tv = useTranslations('validation');
  const router = useRouter();
  const clients = useClientNames();
  const create = useCreateDeal();
  const form = useCrmFormErrors();
  const viewer = useViewer();
  const [clientId, setClientId] = useState<string | null>(fixedClientId ?? null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [nextReviewAt, setNextReviewAt] = useState(() => addDaysIso(todayIso(), 7));
  // Until an administrator picks someone, the deal is theirs (as the API would decide).
  const [ownerId, setOwnerId] = useState<string | null | undefined>(undefined);
  const chosenOwner = ownerId === undefined ? viewer.id : ownerId;

  const reset = () => {
    setClientId(fixedClientId ?? null);
    setTitle('');
    setDescription('');
    setNextReviewAt(addDaysIso(todayIso(), 7));
    setOwnerId(undefined);
    form.clear();
    create.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    if (!clientId) {
      form.setErrors({ clientId: tv('required') });
      return;
    }
    create.mutate(
      {
        clientId,
        title,
        description: description.trim() === '' ? null : description,
        nextReviewAt,
        // Only administrators may name an owner: everyone else's deals are their own.
        ...(viewer.isAdmin ? { ownerId: chosenOwner } : {}),
      },
      {
        onSuccess: (deal) => {
          notifications.show({ color: 'green', message: t('created', { title: deal.title }) });
          onClose();
          router.push(`/deals/${deal.id}`);
        },
        onError: form.show,
      },
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={reset}
      title={t('title')}
      size="lg"
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('submit')}
      pending={create.isPending}
      gap="md"
    >
      <Select
        label={t('client')}
        placeholder={t('clientPlaceholder')}
        data={clients.options}
        value={clientId}
        onChange={setClientId}
        searchable
        withAsterisk
        disabled={Boolean(fixedClientId)}
        nothingFoundMessage={t('noClients')}
        error={form.errors.clientId}
        comboboxProps={{ withinPortal: true }}
      />
      <TextInput
        label={t('dealTitle')}
        withAsterisk
        value={title}
        onChange={(event) => setTitle(event.currentTarget.value)}
        error={form.errors.title}
        data-autofocus
      />
      <Textarea
        label={t('description')}
        autosize
        minRows={2}
        maxRows={6}
        value={description}
        onChange={(event) => setDescription(event.currentTarget.value)}
        error={form.errors.description}
      />
      <TextInput
        type="date"
        label={t('nextReviewAt')}
        withAsterisk
        value={nextReviewAt}
        onChange={(event) => setNextReviewAt(event.currentTarget.value)}
        error={form.errors.nextReviewAt}
      />
      {viewer.isAdmin && (
        <DealOwnerSelect label={t('owner')} value={chosenOwner} onChange={setOwnerId} error={form.errors.ownerId} />
      )}
    </FormModal>
  );
}
