import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** CloudEvents 1.0, structured JSON mode. `data` is camelCase JSON. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  /** The aggregate id the event is about. */
  subject?: string;
  /** W3C trace context of the producing request, carried so consumers join the trace. */
  traceparent?: string;
  data: T;
}

export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  subject: z.string().max(255).optional(),
  traceparent: z.string().max(128).optional(),
  data: z.unknown(),
});

export interface NewEvent<T> {
  source: string;
  type: string;
  data: T;
  subject?: string;
  traceparent?: string;
  id?: string;
  time?: Date;
}

export function createEvent<T>(input: NewEvent<T>): CloudEvent<T> {
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
  };
  if (input.subject !== undefined) event.subject = input.subject;
  if (input.traceparent !== undefined) event.traceparent = input.traceparent;
  return event;
}

/** Validates a received body; returns the envelope or a human-readable reason it is not one. */
export function parseCloudEvent(body: unknown): { ok: true; event: CloudEvent } | { ok: false; reason: string } {
  const result = cloudEventSchema.safeParse(body);
  if (result.success) return { ok: true, event: result.data as CloudEvent };
  const reason = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return { ok: false, reason: `invalid CloudEvent envelope: ${reason}` };
}
