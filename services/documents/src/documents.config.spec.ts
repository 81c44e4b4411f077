import { describe, expect, it } from 'vitest';
import { loadDocumentsConfig } from './documents.config.js';
import { nextLocalTime } from './jobs/cleanup-scheduler.js';

describe('documents config', () => {
  it('has embedded defaults', () => {
    const config = loadDocumentsConfig({});
    expect(config.port).toBe(8084);
    expect(config.maxUploadBytes).toBe(25 * 1024 * 1024);
    expect(config.jobs).toMatchObject({
      prefix: 'documents',
      queue: 'documents_tasks',
      permissionsQueue: 'documents.permissions.sync',
    });
    expect(config.links).toMatchObject({
      uploadBase: 'http://localhost:8080/api/v1/documents',
      uploadTtlSeconds: 900,
      downloadTtlSeconds: 300,
    });
    expect(config.storage.root).toMatch(/data\/documents$/);
    expect(config.storage.dirMode).toBe(0o770);
    expect(config.retention).toMatchObject({ days: 90, warningDays: 7, mode: 'archive', cleanupAtMinutes: 210 });
  });

  it('refuses a queue name with ":" at startup, naming the variable', () => {
    expect(() => loadDocumentsConfig({ DOCUMENTS_QUEUE_NAME: 'documents:tasks' })).toThrow(/DOCUMENTS_QUEUE_NAME/);
    expect(() => loadDocumentsConfig({ DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME: 'a:b' })).toThrow(
      /DOCUMENTS_PERMISSIONS_SYNC_QUEUE_NAME/,
    );
  });

  it('refuses bad keys, TTLs and modes, and demands signing keys in production', () => {
    expect(() => loadDocumentsConfig({ DOCUMENTS_URL_SIGNING_KEYS: 'short:abc' })).toThrow(
      /DOCUMENTS_URL_SIGNING_KEYS/,
    );
    expect(() => loadDocumentsConfig({ DOCUMENTS_UPLOAD_URL_TTL: '30' })).toThrow(/DOCUMENTS_UPLOAD_URL_TTL/);
    expect(() => loadDocumentsConfig({ DOCUMENTS_STORAGE_DEFAULT_MODE: '999' })).toThrow(
      /DOCUMENTS_STORAGE_DEFAULT_MODE/,
    );
    expect(() => loadDocumentsConfig({ NODE_ENV: 'production' })).toThrow(/DOCUMENTS_URL_SIGNING_KEYS/);
    const keys = loadDocumentsConfig({
      DOCUMENTS_URL_SIGNING_KEYS: 'new:0123456789abcdef0,old:0123456789abcdef1',
    }).links;
    expect(keys.signingKid).toBe('new');
    expect([...keys.keys.keys()]).toEqual(['new', 'old']);
  });

  it('finds the next 03:30 in Moscow', () => {
    expect(nextLocalTime(new Date('2025-03-01T00:00:00Z'), 210, 'Europe/Moscow').toISOString()).toBe(
      '2025-03-01T00:30:00.000Z',
    );
    expect(nextLocalTime(new Date('2025-03-01T00:30:00Z'), 210, 'Europe/Moscow').toISOString()).toBe(
      '2025-03-02T00:30:00.000Z',
    );
  });
});
