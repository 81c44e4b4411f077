import { ConsulFake } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHealthyInstances, registerWithConsul, startService } from '../src/index.js';
import { memoryLogger, TestAppModule } from './fixtures.js';

describe('Consul adapter', () => {
  const consul = new ConsulFake();

  beforeAll(async () => {
    await consul.start();
  });

  afterAll(async () => {
    await consul.close();
  });

  it('registers an instance with an HTTP check on its health path and deregisters it once', async () => {
    const handle = await registerWithConsul({
      consulUrl: consul.url,
      token: 'acl-token',
      name: 'crm-service',
      id: 'crm-1',
      address: '10.0.0.7',
      port: 8082,
      checkPath: '/health',
    });
    expect(consul.services.get('crm-1')).toMatchObject({
      ID: 'crm-1',
      Name: 'crm-service',
      Address: '10.0.0.7',
      Port: 8082,
      Check: { HTTP: 'http://10.0.0.7:8082/health' },
    });
    expect(consul.calls.at(-1)).toEqual({ method: 'PUT', path: '/v1/agent/service/register', token: 'acl-token' });

    await Promise.all([handle.deregister(), handle.deregister()]);
    expect(consul.services.has('crm-1')).toBe(false);
    expect(consul.calls.filter((call) => call.path === '/v1/agent/service/deregister/crm-1')).toHaveLength(1);
  });

  it('lists only the passing instances of a service', async () => {
    const connection = { consulUrl: consul.url, name: 'tasks-service', checkPath: '/health' };
    const first = await registerWithConsul({ ...connection, id: 'tasks-1', address: '127.0.0.1', port: 9001 });
    const second = await registerWithConsul({ ...connection, id: 'tasks-2', address: '127.0.0.1', port: 9002 });
    consul.failing.add('tasks-2');
    try {
      const instances = await listHealthyInstances({ consulUrl: consul.url, service: 'tasks-service' });
      expect(instances).toEqual([{ id: 'tasks-1', address: '127.0.0.1', port: 9001 }]);
      expect(await listHealthyInstances({ consulUrl: consul.url, service: 'nobody' })).toEqual([]);
    } finally {
      consul.failing.delete('tasks-2');
      await first.deregister();
      await second.deregister();
    }
  });

  it('reports a refusing agent as an error naming the call', async () => {
    await expect(
      registerWithConsul({
        consulUrl: `${consul.url}/missing-prefix`,
        name: 'x',
        id: 'x-1',
        address: '127.0.0.1',
        port: 1,
        checkPath: '/health',
      }),
    ).rejects.toThrow(/Consul answered 404/);
  });

  it('startService registers after listening and deregisters before draining', async () => {
    const log = memoryLogger('discovered');
    const service = await startService({
      name: 'discovered',
      module: TestAppModule.with(),
      port: 0,
      host: '127.0.0.1',
      logger: log.logger,
      discovery: { consulUrl: consul.url, serviceName: 'discovered-service' },
    });
    const port = Number(new URL(service.url).port);
    const registered = [...consul.services.values()].find((s) => s.Name === 'discovered-service');
    expect(registered).toMatchObject({ Address: '127.0.0.1', Port: port, Check: { HTTP: `${service.url}/health` } });
    const health = await fetch(registered?.Check?.HTTP ?? '');
    expect(health.status).toBe(200);

    await service.close();
    expect([...consul.services.values()].some((s) => s.Name === 'discovered-service')).toBe(false);
  });
});
