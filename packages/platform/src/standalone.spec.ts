import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceConnections } from './standalone.js';

describe('serviceConnections', () => {
  it("prefers the service's own URLs over the shared ones", () => {
    const connections = serviceConnections(
      {
        CRM_DATABASE_URL: 'postgres://crm',
        DATABASE_URL: 'postgres://shared',
        CRM_RABBITMQ_URL: '',
        RABBITMQ_URL: 'amqp://shared',
        CRM_REDIS_URL: 'redis://crm',
        REDIS_URL: 'redis://shared',
        AUTH_REDIS_URL: 'redis://auth',
      },
      'crm',
    );
    expect(connections).toEqual({
      database: { url: 'postgres://crm', applicationName: 'crm' },
      rabbitmqUrl: 'amqp://shared',
      redisUrl: 'redis://crm',
      authRedisUrl: 'redis://auth',
    });
  });

  it('falls back to an embedded database under POLIS_DATA_DIR and in-process adapters', () => {
    expect(serviceConnections({ POLIS_DATA_DIR: '/srv/polis' }, 'tasks')).toEqual({
      database: { dataDir: resolve('/srv/polis', 'pglite') },
      rabbitmqUrl: undefined,
      redisUrl: undefined,
      authRedisUrl: undefined,
    });
  });

  it('reads the prepared-statement cache size, and refuses a value that is not a whole number', () => {
    const base = { DATABASE_URL: 'postgres://shared' };
    expect(serviceConnections({ ...base, DATABASE_STATEMENT_CACHE_SIZE: '0' }, 'crm').database).toEqual({
      url: 'postgres://shared',
      applicationName: 'crm',
      statementCacheSize: 0,
    });
    expect(() => serviceConnections({ ...base, DATABASE_STATEMENT_CACHE_SIZE: 'many' }, 'crm')).toThrow(
      'DATABASE_STATEMENT_CACHE_SIZE',
    );
  });
});
