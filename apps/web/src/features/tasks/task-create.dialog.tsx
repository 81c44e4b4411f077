'use client';

import { Group, Select, Textarea, TextInput } from '@mantine/core';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { FormModal } from '@/components/form-modal';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useCreateTask, useDirectory } from '@/lib/queries/tasks.queries';
import { useFormErrors } from '@/lib/use-form-errors';
import { DealPicker } from './deal.picker';
import { localInputToIso, TASK_PRIORITIES, type Task, type TaskPriority } from './task.model';

export interface TaskCreateDialogProps {
  opened: boolean;
  onClose: () => void;
  /** A fixed deal (the deal card's panel); otherwise the form offers a deal picker. */
  dealId?: string;
  /** What to prefill as the subject, e.g. "Подготовить расчёты". */
  defaultSubject?: string;
  onCreated?: (task: Task) => void;
}

/** Errors of the service that belong to one field of this form. */
const KNOWN_CODES: Record<string, { field: string; message: 'dealNotFound' | 'assigneeNotFound' }> = {
  task_deal_not_found: { field: 'dealId', message: 'dealNotFound' },
  deal_not_found: { field: 'dealId', message: 'dealNotFound' },
  assignee_not_found: { field: 'assigneeId', message: 'assigneeNotFound' },
};

/** Sets a task for an executor: subject, description, assignee, priority, due date, deal. */
export function TaskCreateDialog({ opened, onClose, dealId, defaultSubject = '', onCreated }: TaskCreateDialogProps) {
  const t = useTranslations();
  const create = useCreateTask();
  const directory = useDirectory();
  const [subject, setSubject] = useState(defaultSubject);
  const [description, setDescription] = useState('');
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [due, setDue] = useState('');
  const [scheduledFor, setScheduledFor] = useState('');
  const [pickedDealId, setPickedDealId] = useState<string | null>(null);
  const { describe, fieldErrors } = useErrorMessages();
  const form = useFormErrors({
    describe: (error) => {
      const known = isApiError(error) ? KNOWN_CODES[error.code] : undefined;
      return known ? t(`tasks.errors.${known.message}`) : describe(error);
    },
    // A fixed deal has no field on the form: its error goes on top.
    fieldOf: Object.fromEntries(
      Object.entries(KNOWN_CODES)
        .filter(([, known]) => !(known.field === 'dealId' && dealId))
        .map(([code, known]) => [code, known.field]),
    ),
    fields: (error) => {
      if (!isApiError(error) || error.code !== 'validation_error') return {};
      const fields = renameFields(fieldErrors(error));
      if (fields.assigneeId && !assigneeId) fields.assigneeId = t('validation.required');
      return fields;
    },
  });

  const clear = () => {
    setSubject(defaultSubject);
    setDescription('');
    setAssigneeId(null);
    setPriority('normal');
    setDue('');
    setScheduledFor('');
    setPickedDealId(null);
    form.clear();
    create.reset();
  };

  const people = (directory.data ?? []).map((person) => ({
    value: person.id,
    label: person.fullName ? `${person.fullName} (${person.email})` : person.email,
  }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    form.clear();
    const linkedDeal = dealId ?? pickedDealId ?? undefined;
    create.mutate(
      {
        subject,
        description,
        assigneeId: assigneeId ?? '',
        priority,
        dueDate: localInputToIso(due),
        scheduledFor: localInputToIso(scheduledFor),
        context: linkedDeal ? { dealId: linkedDeal } : undefined,
      },
      {
        onSuccess: (task) => {
          onCreated?.(task);
          onClose();
        },
        onError: form.show,
      },
    );
  };

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      onExited={clear}
      title={t('tasks.create.title')}
      size="lg"
      onSubmit={submit}
      formError={form.formError}
      submitLabel={t('tasks.create.submit')}
      pending={create.isPending}
      gap="md"
    >
      <TextInput
        label={t('tasks.fields.subject')}
        name="subject"
        withAsterisk
        value={subject}
        onChange={(event) => setSubject(event.currentTarget.value)}
        error={form.errors.subject}
        data-autofocus
      />
      <Textarea
        label={t('tasks.fields.description')}
        name="description"
        withAsterisk
        autosize
        minRows={3}
        value={description}
        onChange={(event) => setDescription(event.currentTarget.value)}
        error={form.errors.description}
      />
      <Select
        label={t('tasks.fields.assignee')}
        placeholder={t('tasks.create.assigneePlaceholder')}
        withAsterisk
        searchable
        data={people}
        value={assigneeId}
        onChange={setAssigneeId}
        error={form.errors.assigneeId}
        nothingFoundMessage={t('tasks.create.nobodyFound')}
        comboboxProps={{ withinPortal: true }}
      />
      <Group grow align="flex-start" wrap="wrap">
        <Select
          label={t('tasks.fields.priority')}
          data={TASK_PRIORITIES.map((value) => ({ value, label: t(`tasks.priority.${value}`) }))}
          value={priority}
          onChange={(value) => setPriority((value as TaskPriority | null) ?? 'normal')}
          allowDeselect={false}
          error={form.errors.priority}
          comboboxProps={{ withinPortal: true }}
          miw={160}
        />
        <TextInput
          label={t('tasks.fields.due')}
          type="datetime-local"
          value={due}
          onChange={(event) => setDue(event.currentTarget.value)}
          error={form.errors.dueDate}
          miw={200}
        />
      </Group>
      <TextInput
        label={t('tasks.fields.scheduledFor')}
        description={t('tasks.create.scheduledForHint')}
        type="datetime-local"
        value={scheduledFor}
        onChange={(event) => setScheduledFor(event.currentTarget.value)}
        error={form.errors.scheduledFor}
      />
      {!dealId && <DealPicker value={pickedDealId} onChange={setPickedDealId} error={form.errors.dealId} />}
    </FormModal>
  );
}

/** The API names the due date `dueDate` and the deal `context.dealId`; the form shows them by those fields. */
function renameFields(fields: Record<string, string>): Record<string, string> {
  const result = { ...fields };
  if (result.context && !result.dealId) result.dealId = result.context;
  if (result.title && !result.subject) result.subject = result.title;
  return result;
}
