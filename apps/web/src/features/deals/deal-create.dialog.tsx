'use client';

import { Select, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { useCreateDeal } from '@/lib/queries/deals.queries';
import { addDaysIso, todayIso, useClientNames } from './deal-shared';
import { useCrmFormErrors } from './form-helpers';

/** Opens a deal for a client: title, description and the first review date. */
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
  const [clientId, setClientId] = useState<string | null>(fixedClientId ?? null);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [nextReviewAt, setNextReviewAt] = useState(() => addDaysIso(todayIso(), 7));

  const reset = () => {
    setClientId(fixedClientId ?? null);
    setTitle('');
    setDescription('');
    setNextReviewAt(addDaysIso(todayIso(), 7));
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
      { clientId, title, description: description.trim() === '' ? null : description, nextReviewAt },
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
    </FormModal>
  );
}
