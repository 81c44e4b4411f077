import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { runWithRequestContext } from './request-context.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'auth',
    level,
    version: '1.2.3',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, env and version fields', () => {
    const { logger, lines } = capture();
    logger.info({ answer: 42 }, 'hello');
    const record = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', service: 'auth', version: '1.2.3', answer: 42, msg: 'hello' });
    expect(typeof record.env).toBe('string');
    expect(typeof record.time).toBe('string');
  });

  it('never writes secret values, at any depth', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: 'pw-top-level',
        req: {
          headers: {
            authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.secret-jwt',
            cookie: 'crm_access_token=cookie-value',
            'set-cookie': ['crm_refresh_token=refresh-cookie'],
          },
        },
        body: { email: 'a@b.c', password: 'pw-in-body', newPassword: 'pw-new' },
        tokens: { accessToken: 'access-123', refreshToken: 'refresh-456', token: 'opaque-789' },
        client: { clientSecret: 'client-secret-1', credentials: { secret: 'deep-secret', key: 'deep-key' } },
        list: [{ token: 'token-in-array' }],
      },
      'login attempt',
    );
    const line = lines.join('');
    for (const value of [
      'pw-top-level',
      'secret-jwt',
      'cookie-value',
      'refresh-cookie',
      'pw-in-body',
      'pw-new',
      'access-123',
      'refresh-456',
      'opaque-789',
      'client-secret-1',
      'deep-secret',
      'deep-key',
      'token-in-array',
    ]) {
      expect(line).not.toContain(value);
    }
    expect(line).toContain('a@b.c');
    expect(line).toContain('[REDACTED]');
  });

  it('adds the request id and user id of the current request', () => {
    const { logger, lines } = capture();
    runWithRequestContext({ requestId: 'req-1', userId: () => 'user-1' }, () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ request_id: 'req-1', user_id: 'user-1' });
    expect(outside).not.toHaveProperty('request_id');
  });

  it('takes its level from LOG_LEVEL unless given, and allows silent', () => {
    const previous = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'warn';
      expect(createLogger({ service: 'x' }).level).toBe('warn');
      expect(createLogger({ service: 'x', level: 'debug' }).level).toBe('debug');
      delete process.env.LOG_LEVEL;
      expect(createLogger({ service: 'x' }).level).toBe('info');
      const { logger, lines } = capture('silent');
      logger.error('nobody hears this');
      expect(lines).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });

  it('names LOG_LEVEL when the level is unknown', () => {
    expect(() => createLogger({ service: 'x', level: 'loud' })).toThrow(ConfigError);
    expect(() => createLogger({ service: 'x', level: 'loud' })).toThrow(/LOG_LEVEL: expected one of .*, got 'loud'/);
  });
});
