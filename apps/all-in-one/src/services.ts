/**
 * `npm run start:services`: the distributed layout on one machine — each service in its own
 * process against PostgreSQL, RabbitMQ and Redis (DATABASE_URL, RABBITMQ_URL, REDIS_URL; local
 * servers by default). Output is prefixed with the service name; Ctrl-C stops them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { workspaceRoot } from './paths.js';

const root = workspaceRoot;
const SERVICES = ['auth', 'crm', 'tasks', 'documents', 'gateway'] as const;

const env: NodeJS.ProcessEnv = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  ...process.env,
};

const children: ChildProcess[] = [];
let stopping = false;

for (const name of SERVICES) {
  const entry = join(root, 'services', name, 'dist', 'main.js');
  if (!existsSync(entry)) continue;
  // Own process group: a terminal's Ctrl-C reaches only this launcher, which then stops each service
  // with exactly one SIGTERM (a second signal would make a service skip its graceful shutdown).
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  child.on('exit', (code, signal) => {
    console.log(`[${name}] exited (${signal ?? code})`);
    if (!stopping) stop(1);
  });
  children.push(child);
}

function stop(code: number): void {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
