import type { RouteSpec } from '@polis/platform';
import { z } from 'zod';

const dependency = z.object({
  status: z.enum(['up', 'down']),
  disabled: z.boolean().optional(),
  message: z.string().optional(),
});
const healthReport = z.object({
  status: z.enum(['ok', 'error']),
  info: z.record(z.string(), dependency),
  error: z.record(z.string(), dependency),
  details: z.object({ redis: dependency, consul: dependency }),
});

const streamQuery = z.object({
  lastEventId: z
    .string()
    .optional()
    .describe('Resume after this event id on the first connect (EventSource resends Last-Event-ID itself afterwards)'),
});

const streamResponses = {
  200: {
    description:
      'text/event-stream: the relayed frames, `event: heartbeat` frames, and `event: error` before the Gateway ends the stream',
  },
  404: { description: 'The channel is not configured' },
};

function stream(name: string, summary: string): RouteSpec {
  return {
    method: 'GET',
    path: `/api/v1/streams/${name}`,
    summary,
    tags: ['streams'],
    query: streamQuery,
    responses: streamResponses,
  };
}

/** The routes the Gateway answers itself, for its part of the merged document. */
export const GATEWAY_ROUTES: RouteSpec[] = [
  {
    method: 'GET',
    path: '/api/v1/health',
    summary: 'Gateway health: Redis and Consul',
    auth: 'public',
    responses: {
      200: { description: 'Healthy', schema: healthReport },
      503: { description: 'A dependency is down', schema: healthReport },
    },
  },
  stream('deals', 'Deal events the caller may see (alias /api/v1/streams/crm)'),
  stream('notifications', 'Notifications addressed to the caller'),
  stream('tasks', 'Task events of the caller'),
  {
    method: 'GET',
    path: '/api/v1/streams/heartbeat',
    summary: 'Heartbeats only: `data: {"type":"heartbeat","sequence":n}`',
    tags: ['streams'],
    responses: { 200: { description: 'text/event-stream' } },
  },
  {
    method: 'POST',
    path: '/api/v1/telegram/webhook',
    summary: 'Telegram Bot API updates, checked against X-Telegram-Bot-Api-Secret-Token',
    auth: 'public',
    body: z.looseObject({ update_id: z.number().int() }),
    responses: {
      200: { description: 'Accepted by the bot', schema: z.object({ ok: z.literal(true) }) },
      403: { description: 'Missing or wrong secret token, or no secret configured' },
      429: { description: 'Too many updates from this address' },
      503: { description: 'The bot is not deployed or cannot be reached' },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/docs/openapi.json',
    summary: 'This document',
    auth: 'public',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
];
