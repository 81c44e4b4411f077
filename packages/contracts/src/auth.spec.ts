import { describe, expect, it } from 'vitest';
import {
  inviteRequestSchema,
  loginRequestSchema,
  normalizeRoleName,
  passwordChangeRequiredDetailsSchema,
  registerRequestSchema,
  roleNameSchema,
  telegramIdParamSchema,
  updateUserRequestSchema,
  usersQuerySchema,
} from './auth.js';
import { problemSchema } from './problem.js';

describe('auth contracts', () => {
  it('normalises role names: case, prefix, spaces', () => {
    expect(normalizeRoleName('executor')).toBe('ROLE_EXECUTOR');
    expect(normalizeRoleName(' role_admin ')).toBe('ROLE_ADMIN');
    expect(normalizeRoleName('sales agent')).toBe('ROLE_SALES_AGENT');
    expect(roleNameSchema.parse('Sales-Agent')).toBe('ROLE_SALES_AGENT');
  });

  it('refuses empty, too long or odd role names', () => {
    for (const bad of ['', '  ', 'x'.repeat(65), `ROLE_${'X'.repeat(60)}`, 'a/b', 'ROLE_']) {
      expect(roleNameSchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(roleNameSchema.parse(`ROLE_${'X'.repeat(59)}`)).toHaveLength(64);
  });

  it('trims and lower-cases emails; passwords are 8–72 characters on register, 1–72 at login', () => {
    expect(registerRequestSchema.parse({ email: ' Anna@Example.COM ', password: '12345678' }).email).toBe(
      'anna@example.com',
    );
    expect(registerRequestSchema.safeParse({ email: 'a@example.com', password: '1234567' }).success).toBe(false);
    expect(registerRequestSchema.safeParse({ email: 'a@example.com', password: 'x'.repeat(73) }).success).toBe(false);
    expect(loginRequestSchema.safeParse({ email: 'a@example.com', password: 'x' }).success).toBe(true);
    expect(loginRequestSchema.safeParse({ email: 'a@example.com', password: '' }).success).toBe(false);
  });

  it('rejects unknown fields in requests', () => {
    expect(loginRequestSchema.safeParse({ email: 'a@example.com', password: 'x', admin: true }).success).toBe(false);
    expect(inviteRequestSchema.safeParse({ email: 'a@example.com', fullName: 'A', roles: [], x: 1 }).success).toBe(
      false,
    );
  });

  it('normalises invited roles and defaults them to none', () => {
    expect(inviteRequestSchema.parse({ email: 'a@example.com', fullName: 'A' }).roles).toEqual([]);
    expect(inviteRequestSchema.parse({ email: 'a@example.com', fullName: 'A', roles: ['executor'] }).roles).toEqual([
      'ROLE_EXECUTOR',
    ]);
  });

  it('needs at least one field in a user update', () => {
    expect(updateUserRequestSchema.safeParse({}).success).toBe(false);
    expect(updateUserRequestSchema.parse({ phone: null })).toEqual({ phone: null });
  });

  it('coerces and bounds the users query', () => {
    expect(usersQuerySchema.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(usersQuerySchema.parse({ limit: '200', offset: '10', role: 'admin' })).toEqual({
      limit: 200,
      offset: 10,
      role: 'ROLE_ADMIN',
    });
    for (const bad of [{ limit: '0' }, { limit: '201' }, { offset: '-1' }, { limit: 'ten' }, { page: '1' }]) {
      expect(usersQuerySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('reads Telegram ids from paths', () => {
    expect(telegramIdParamSchema.parse('123456789')).toBe(123456789);
    for (const bad of ['0', '-1', 'abc', '01', '1'.repeat(17)]) {
      expect(telegramIdParamSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('describes problem+json bodies', () => {
    expect(
      problemSchema.parse({
        type: 'https://polis.dev/problems/validation_error',
        title: 'Bad Request',
        status: 400,
        code: 'validation_error',
        detail: 'x',
        errors: [{ field: 'email', message: 'bad' }],
      }).code,
    ).toBe('validation_error');
  });

  it('reads the change token out of a password_change_required problem', () => {
    const problem = problemSchema.parse({
      type: 'https://polis.dev/problems/password_change_required',
      title: 'Forbidden',
      status: 403,
      code: 'password_change_required',
      details: { changeToken: 'a'.repeat(43), expiresIn: 900 },
    });
    expect(passwordChangeRequiredDetailsSchema.parse(problem.details)).toEqual({
      changeToken: 'a'.repeat(43),
      expiresIn: 900,
    });
    expect(passwordChangeRequiredDetailsSchema.safeParse({ changeToken: '', expiresIn: 900 }).success).toBe(false);
    expect(passwordChangeRequiredDetailsSchema.safeParse({ changeToken: 'x', expiresIn: 0 }).success).toBe(false);
  });
});
