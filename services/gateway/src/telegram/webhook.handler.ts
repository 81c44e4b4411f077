import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Forbidden, Unavailable } from '@polis/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamResolver } from '../discovery/upstream-resolver.js';
import type { GatewayConfig } from '../gateway.config.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { readBody } from '../proxy/body-limit.js';
import type { UpstreamForwarder } from '../proxy/upstream-forwarder.js';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
export const TELEGRAM_SIGNATURE_HEADER = 'x-telegram-signature';

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
function secretsMatch(expected: string, presented: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'pipe') === 'function';
}

/**
 * `POST /api/v1/telegram/webhook` (interfaces.md §1.7): Telegram proves itself with the secret token
 * it was given in `setWebhook`; the update goes on to the bot's internal route signed with
 * `X-Telegram-Signature` = hex HMAC-SHA256 of the raw body. Until the bot is deployed (no upstream
 * configured) the answer is 503, so Telegram keeps the update and retries.
 */
export class WebhookHandler {
  constructor(
    private readonly deps: {
      config: GatewayConfig;
      resolver: UpstreamResolver;
      limiter: RateLimiter;
      forwarder: UpstreamForwarder;
    },
  ) {}

  async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { config, limiter } = this.deps;
    const secret = config.telegram.webhookSecret;
    const presented = request.headers[TELEGRAM_SECRET_HEADER];
    if (secret === undefined || typeof presented !== 'string' || !secretsMatch(secret, presented)) {
      throw new Forbidden('The webhook secret token is missing or wrong.', 'forbidden');
    }
    await limiter.hit({ scope: 'webhook-ip', limit: config.limits.webhookPerSecond, windowMs: 1000 }, request.ip);
    const upstream = config.upstreams['telegram-bot'];
    if (!upstream.enabled) throw new Unavailable('The Telegram bot is not deployed.');

    const body: unknown = request.body;
    const raw = isReadable(body) ? await readBody(body, config.limits.jsonBodyBytes) : Buffer.alloc(0);
    const signature = createHmac('sha256', secret).update(raw).digest('hex');
    const base = await this.deps.resolver.resolve(upstream);
    return this.deps.forwarder.forward(request, reply, {
      upstream,
      base,
      url: config.telegram.webhookPath,
      method: 'POST',
      body: { bytes: raw, contentType: 'application/json' },
      headers: (forwarded) => ({
        host: forwarded.host,
        'content-type': 'application/json',
        [TELEGRAM_SIGNATURE_HEADER]: signature,
        'x-request-id': forwarded['x-request-id'],
        traceparent: forwarded.traceparent,
        'x-trace-id': forwarded['x-trace-id'],
        'x-forwarded-for': forwarded['x-forwarded-for'],
      }),
      onResponse: (replyToClient, response) => {
        if (response.statusCode >= 200 && response.statusCode < 300) {
          response.stream.resume();
          replyToClient.removeHeader('content-length');
          replyToClient.removeHeader('content-type');
          void replyToClient.code(200).type('application/json').send({ ok: true });
        } else {
          void replyToClient.send(response.stream);
        }
      },
    });
  }
}
