import { act, renderHook } from '@testing-library/react';
import { NextIntlClientProvider } from 'next-intl';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { loadMessages } from '@/lib/i18n/messages';
import { type FormErrorsOptions, useFormErrors } from './use-form-errors';

function renderFormErrors(options?: FormErrorsOptions) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <NextIntlClientProvider locale="ru" messages={loadMessages('ru')} timeZone="Europe/Moscow">
      {children}
    </NextIntlClientProvider>
  );
  return renderHook(() => useFormErrors(options), { wrapper }).result;
}

const refused = new ApiError({ status: 409, code: 'number_taken', detail: 'Taken.' });
const invalid = new ApiError({
  status: 400,
  code: 'validation_error',
  errors: [{ field: 'body.title', message: 'Too long' }],
});

describe('useFormErrors', () => {
  it('puts a code that belongs to a field next to that field', () => {
    const form = renderFormErrors({ describe: () => 'Номер занят', fieldOf: { number_taken: 'number' } });
    act(() => form.current.show(refused));
    expect(form.current.errors).toEqual({ number: 'Номер занят' });
    expect(form.current.formError).toBeNull();
  });

  it('shows the API field errors by field and the rest above the form', () => {
    const form = renderFormErrors({ describe: (error) => `описание: ${(error as ApiError).code}` });
    act(() => form.current.show(invalid));
    expect(form.current.errors).toEqual({ title: 'Too long' });
    expect(form.current.formError).toBeNull();

    act(() => form.current.show(refused));
    expect(form.current.errors).toEqual({});
    expect(form.current.formError).toBe('описание: number_taken');

    act(() => form.current.clear());
    expect(form.current.formError).toBeNull();
  });

  it('lets a form choose which field errors it shows', () => {
    const form = renderFormErrors({ describe: () => 'Не получилось', fields: () => ({}) });
    act(() => form.current.show(invalid));
    expect(form.current.errors).toEqual({});
    expect(form.current.formError).toBe('Не получилось');
  });
});
