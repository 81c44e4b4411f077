'use client';

import { Alert, Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslations } from 'next-intl';
import { type FormEvent, useState } from 'react';
import { isApiError } from '@/lib/api';
import { useErrorMessages } from '@/lib/i18n/use-error-messages';
import { useCreateTask, useDirectory } from '@/lib/queries/tasks.queries';
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
  const narrow = useMediaQuery('(max-width: 36em)');
  const create = useCreateTask();
  const directory = useDirectory();
  const { describe, fieldErrors } = useErrorMessages();
  const [subject, setSubject] = useState(defaultSubject);
  const [description, setDescription] = useState('');
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [due, setDue] = useState('');
  const [scheduledFor, setScheduledFor] = useState('');
  const [pickedDealId, setPickedDealId] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const clear = () => {
    setSubject(defaultSubject);
    setDescription('');
    setAssigneeId(null);
    setPriority('normal');
    setDue('');
    setScheduledFor('');
    setPickedDealId(null);
    setErrors({});
    setFormError(null);
    create.reset();
  };

  const people = (directory.data ?? []).map((person) => ({
    value: person.id,
    label: person.fullName ? `${person.fullName} (${person.email})` : person.email,
  }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
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
        onError: (error) => {
          const known = isApiError(error) ? KNOWN_CODES[error.code] : undefined;
          if (known) {
            // A fixed deal has no field on the form: its error goes on top.
            if (known.field === 'dealId' && dealId) setFormError(t(`tasks.errors.${known.message}`));
            else setErrors({ [known.field]: t(`tasks.errors.${known.message}`) });
            return;
          }
          const fields = isApiError(error) && error.code === 'validation_error' ? renameFields(fieldErrors(error)) : {};
          if (fields.assigneeId && !assigneeId) fields.assigneeId = t('validation.required');
          if (Object.keys(fields).length > 0) setErrors(fields);
          else setFormError(describe(error));
        },
      },
    );
  };

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={clear}
      title={t('tasks.create.title')}
      fullScreen={narrow}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {formError && (
            <Alert color="red" role="alert" variant="light">
              {formError}
            </Alert>
          )}
          <TextInput
            label={t('tasks.fields.subject')}
            name="subject"
            withAsterisk
            value={subject}
            onChange={(event) => setSubject(event.currentTarget.value)}
            error={errors.subject}
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
            error={errors.description}
          />
          <Select
            label={t('tasks.fields.assignee')}
            placeholder={t('tasks.create.assigneePlaceholder')}
            withAsterisk
            searchable
            data={people}
            value={assigneeId}
            onChange={setAssigneeId}
            error={errors.assigneeId}
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
              error={errors.priority}
              comboboxProps={{ withinPortal: true }}
              miw={160}
            />
            <TextInput
              label={t('tasks.fields.due')}
              type="datetime-local"
              value={due}
              onChange={(event) => setDue(event.currentTarget.value)}
              error={errors.dueDate}
              miw={200}
            />
          </Group>
          <TextInput
            label={t('tasks.fields.scheduledFor')}
            description={t('tasks.create.scheduledForHint')}
            type="datetime-local"
            value={scheduledFor}
            onChange={(event) => setScheduledFor(event.currentTarget.value)}
            error={errors.scheduledFor}
          />
          {!dealId && <DealPicker value={pickedDealId} onChange={setPickedDealId} error={errors.dealId} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('tasks.create.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The API names the due date `dueDate` and the deal `context.dealId`; the form shows them by those fields. */
function renameFields(fields: Record<string, string>): Record<string, string> {
  const result = { ...fields };
  if (result.context && !result.dealId) result.dealId = result.context;
  if (result.title && !result.subject) result.subject = result.title;
  return result;
}
