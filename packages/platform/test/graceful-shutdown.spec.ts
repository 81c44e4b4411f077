import { afterEach, describe, expect, it } from 'vitest';
import { closeOnSignals, type RunningService, startService } from '../src/index.js';
import { Gate, memoryLogger, TestAppModule, waitFor } from './fixtures.js';

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`);
    return false;
  } catch {
    return true;
  }
}

describe('graceful shutdown', () => {
  const started: RunningService[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((service) => service.close()));
  });

  async function start(
    name: string,
    extra: { gate?: Gate; events?: string[]; onShutdown?: Array<() => Promise<void>>; drainTimeoutMs?: number },
  ) {
    const service = await startService({
      name,
      module: TestAppModule.with({ gate: extra.gate, events: extra.events }),
      port: 0,
      host: '127.0.0.1',
      logger: memoryLogger(name).logger,
      onShutdown: extra.onShutdown,
      drainTimeoutMs: extra.drainTimeoutMs,
    });
    started.push(service);
    return service;
  }

  it('lets an in-flight request finish with 200, then runs the onShutdown hooks in order', async () => {
    const gate = new Gate();
    const events: string[] = [];
    const service = await start('shutdown-test', {
      gate,
      events,
      onShutdown: [
        async () => {
          events.push('hook 1');
        },
        async () => {
          throw new Error('hook 2 fails, the next still runs');
        },
        async () => {
          events.push('hook 3');
        },
      ],
    });

    const inFlight = fetch(`${service.url}/slow`);
    await waitFor(() => gate.entered === 1);

    let closed = false;
    const closing = service.close().then(() => {
      closed = true;
    });
    // The server stops accepting new connections while the slow request is still being served.
    await waitFor(() => refusesConnections(service.url));
    expect(closed).toBe(false);
    expect(events).toEqual([]);

    gate.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    expect(events).toEqual(['request finished', 'hook 1', 'hook 3']);
  });

  it('cuts a request that outlives the drain timeout, then still runs the hooks', async () => {
    const gate = new Gate();
    const events: string[] = [];
    const service = await start('drain-timeout-test', {
      gate,
      events,
      drainTimeoutMs: 50,
      onShutdown: [
        async () => {
          events.push('hook');
        },
      ],
    });
    try {
      const stuck = fetch(`${service.url}/slow`).then(
        () => 'answered',
        () => 'cut',
      );
      await waitFor(() => gate.entered === 1);
      await service.close();
      expect(await stuck).toBe('cut');
      expect(events).toEqual(['hook']);
    } finally {
      gate.open();
    }
  });

  it('is idempotent: a second close() neither fails nor runs the hooks again', async () => {
    let runs = 0;
    const service = await start('idempotent-test', {
      onShutdown: [
        async () => {
          runs += 1;
        },
      ],
    });
    await (await fetch(`${service.url}/health`)).text();
    await Promise.all([service.close(), service.close()]);
    await service.close();
    expect(runs).toBe(1);
  });

  it('runs several services in one process, each with its own port, metrics and logger', async () => {
    const first = await start('first-service', {});
    const second = await start('second-service', {});
    expect(first.url).not.toBe(second.url);
    expect(first.metrics).not.toBe(second.metrics);
    expect(await (await fetch(`${first.url}/health`)).json()).toEqual({ status: 'ok', service: 'first-service' });
    expect(await (await fetch(`${second.url}/health`)).json()).toEqual({ status: 'ok', service: 'second-service' });
    await first.close();
    expect(await (await fetch(`${second.url}/health`)).json()).toEqual({ status: 'ok', service: 'second-service' });
    expect(await second.metrics.metrics()).toContain('service="second-service"');
  });
});

describe('closeOnSignals', () => {
  it('closes the targets in reverse order on SIGTERM and exits 0', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const target = (name: string) => ({
      close: async () => {
        order.push(name);
      },
    });
    const uninstall = closeOnSignals([target('database'), target('service')], memoryLogger().logger, {
      exit: (code) => exits.push(code),
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await waitFor(() => exits.length > 0);
      expect(order).toEqual(['service', 'database']);
      expect(exits).toEqual([0]);
    } finally {
      uninstall();
    }
  });

  it('exits 1 when closing hangs past the timeout, and at once on a second signal', async () => {
    const exits: number[] = [];
    const hanging = { close: () => new Promise<void>(() => {}) };
    const uninstall = closeOnSignals([hanging], memoryLogger().logger, {
      timeoutMs: 20,
      exit: (code) => exits.push(code),
    });
    try {
      process.emit('SIGINT', 'SIGINT');
      await waitFor(() => exits.length > 0);
      expect(exits).toEqual([1]);
    } finally {
      uninstall();
    }

    const secondExits: number[] = [];
    const uninstallSecond = closeOnSignals([hanging], memoryLogger().logger, {
      timeoutMs: 60_000,
      exit: (code) => secondExits.push(code),
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
      expect(secondExits).toEqual([1]);
    } finally {
      uninstallSecond();
    }
  });
});
