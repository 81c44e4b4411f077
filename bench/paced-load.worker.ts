/**
 * Open-loop load at a fixed rate, in its own thread: request i is sent at start + i / rate over a
 * pool of connections, whatever the previous answers did, and each latency is timed from its send.
 * Unlike a closed loop at saturation, the latencies then show what a hop adds, not how long the
 * queue in front of a busy CPU is.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

export interface PacedJob {
  url: string;
  headers: Record<string, string>;
  /** Requests per second. */
  rate: number;
  seconds: number;
  connections: number;
}

export interface PacedResult {
  latencies: number[];
  errors: number;
}

const job = workerData as PacedJob;
const port = parentPort;
if (!port) throw new Error('paced-load.worker must run as a worker thread');

const target = new URL(job.url);
const pool = new Pool(target.origin, { connections: job.connections });
const latencies: number[] = [];
let errors = 0;
const sent: Array<Promise<void>> = [];
const total = Math.round(job.rate * job.seconds);
const started = performance.now();
for (let i = 0; i < total; i++) {
  const wait = started + (i * 1000) / job.rate - performance.now();
  if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
  const sentAt = performance.now();
  sent.push(
    pool.request({ method: 'GET', path: `${target.pathname}${target.search}`, headers: job.headers }).then(
      async (response) => {
        await response.body.text();
        if (response.statusCode >= 400) errors += 1;
        else latencies.push(performance.now() - sentAt);
      },
      () => {
        errors += 1;
      },
    ),
  );
}
await Promise.all(sent);
await pool.close();
port.postMessage({ latencies, errors } satisfies PacedResult);
