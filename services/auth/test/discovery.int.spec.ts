import { ConsulFake } from '@polis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth } from './auth-harness.js';

describe('service discovery', () => {
  const consul = new ConsulFake();

  beforeAll(async () => {
    await consul.start();
  });

  afterAll(async () => {
    await consul.close();
  });

  it('registers Auth in Consul with a health check while it runs, and deregisters on close', async () => {
    const auth = await startAuth({ CONSUL_HTTP_ADDR: consul.url });
    const registered = [...consul.services.values()].find((service) => service.Name === 'auth-service');
    expect(registered?.Port).toBe(Number(new URL(auth.url).port));
    expect(registered?.Check?.HTTP).toMatch(/\/health$/);
    await auth.close();
    expect([...consul.services.values()].some((service) => service.Name === 'auth-service')).toBe(false);
  });
});
