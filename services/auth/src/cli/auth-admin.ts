#!/usr/bin/env node
import { runAuthAdmin } from './auth-admin.command.js';

/** `auth-admin`: operator commands run inside the cluster (or beside a stopped `npm start`). */
runAuthAdmin(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
