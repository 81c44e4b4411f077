import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Principal } from '@polis/auth-kit';
import { USER_DISABLED_CHANNEL } from '@polis/auth-kit';
import type { Cache } from '@polis/cache';
import { type Logger, NotFound } from '@polis/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Dispatcher, request as undiciRequest } from 'undici';
import type { UpstreamResolver } from '../discovery/upstream-resolver.js';
import type { GatewayConfig, SseChannelConfig, UpstreamConfig } from '../gateway.config.js';
import type { GatewayMetrics } from '../gateway.metrics.js';
import type { Authenticator } from '../identity/authenticator.js';
import type { UpstreamForwarder } from '../proxy/upstream-forwarder.js';
import { SSE_CHANNEL_ALIASES, SSE_CHANNELS, type SseChannel } from '../routing/upstreams.js';
import type { SseMonitor } from './sse-monitor.js';
import { SseParser, serializeFrame } from './sse-parser.js';
import type { StreamRegistry } from './stream-registry.js';

export const HEARTBEAT_CHANNEL = 'heartbeat';
/** Longest delay a Node timer accepts. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SseRelayDeps {
  config: GatewayConfig;
  resolver: UpstreamResolver;
  authenticator: Authenticator;
  registry: StreamRegistry;
  monitor: SseMonitor;
  forwarder: UpstreamForwarder;
  dispatcher: Dispatcher;
  metrics: GatewayMetrics;
  logger: Logger;
}

type ChannelName = SseChannel | typeof HEARTBEAT_CHANNEL;

function channelNamed(name: string): ChannelName | undefined {
  if (name === HEARTBEAT_CHANNEL) return HEARTBEAT_CHANNEL;
  if (Object.hasOwn(SSE_CHANNELS, name)) return name as SseChannel;
  return SSE_CHANNEL_ALIASES[name];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An error event, then the stream ends (interfaces.md §3.2). */
function errorFrame(code: string): string {
  return `event: error\ndata: ${JSON.stringify({ code })}\n\n`;
}

interface StreamTarget {
  channel: SseChannelConfig;
  upstream: UpstreamConfig;
}

/**
 * `GET /api/v1/streams/{deals,notifications,tasks,heartbeat}`: one client stream per request,
 * relaying the owning service's internal stream with the user's token and resume id, with
 * Gateway heartbeats, the per-user stream limit, reconnects and the token-expiry cut-off.
 */
export class SseRelay {
  private readonly connections = new Set<SseConnection>();

  constructor(private readonly deps: SseRelayDeps) {}

  get size(): number {
    return this.connections.size;
  }

  async handle(request: FastifyRequest<{ Params: { channel: string } }>, reply: FastifyReply): Promise<void> {
    const { config } = this.deps;
    const name = channelNamed(request.params.channel);
    let target: StreamTarget | undefined;
    if (name !== undefined && name !== HEARTBEAT_CHANNEL) {
      const channel = config.sse.channels[name];
      if (channel.enabled) target = { channel, upstream: config.upstreams[channel.upstream] };
    }
    if (name === undefined || (name !== HEARTBEAT_CHANNEL && target === undefined)) {
      throw new NotFound(`There is no stream ${request.params.channel}.`);
    }
    const { principal } = await this.deps.authenticator.authenticate(request.headers);
    const query = request.query as Record<string, string | undefined>;
    const lastEventId = first(request.headers['last-event-id']) ?? query.lastEventId;
    const label = name === HEARTBEAT_CHANNEL ? HEARTBEAT_CHANNEL : name;

    const holder: { connection?: SseConnection; evicted: boolean } = { evicted: false };
    const connectionId = await this.deps.registry.register(principal.userId, () => {
      holder.evicted = true;
      holder.connection?.fail('stream_limit');
    });

    const headers: OutgoingHttpHeaders = {};
    for (const [header, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[header] = value;
    Object.assign(headers, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.hijack();
    reply.raw.writeHead(200, headers);
    const connection = new SseConnection(this.deps, {
      request,
      response: reply.raw,
      principal,
      connectionId,
      label,
      target,
      lastEventId,
      onClosed: (closed) => {
        this.connections.delete(closed);
        this.deps.metrics.sseStreams.dec({ channel: label });
      },
    });
    holder.connection = connection;
    this.connections.add(connection);
    this.deps.metrics.sseStreams.inc({ channel: label });
    connection.start();
    if (holder.evicted) connection.fail('stream_limit');
  }

  /** Ends every stream (shutdown): clients reconnect to another replica with their Last-Event-ID. */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.close();
  }

  /**
   * Ends the streams of a user whose account was just disabled: Auth announces it on the cache,
   * and each heartbeat also checks the disabled key in case an announcement was missed.
   */
  async watchDisabledUsers(authCache: Cache): Promise<() => Promise<void>> {
    return authCache.subscribe(USER_DISABLED_CHANNEL, (userId) => this.cutOff(userId));
  }

  cutOff(userId: string): void {
    for (const connection of [...this.connections]) {
      if (connection.userId === userId) connection.fail('user_disabled');
    }
  }
}

interface ConnectionOptions {
  request: FastifyRequest;
  response: ServerResponse;
  principal: Principal;
  connectionId: string;
  label: string;
  target: StreamTarget | undefined;
  lastEventId: string | undefined;
  onClosed: (connection: SseConnection) => void;
}

class SseConnection {
  private closed = false;
  private lastEventId: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private upstreamAbort: AbortController | undefined;
  private sequence = 0;

  constructor(
    private readonly deps: SseRelayDeps,
    private readonly options: ConnectionOptions,
  ) {
    this.lastEventId = options.lastEventId;
  }

  get userId(): string {
    return this.options.principal.userId;
  }

  start(): void {
    const { response, principal } = this.options;
    response.on('close', () => this.close());
    response.on('error', () => this.close());
    // The client may have left while its token and stream slot were being checked.
    if (response.destroyed || response.socket === null || response.socket.destroyed) {
      this.close();
      return;
    }
    // An initial comment gets the headers to the client now, so EventSource reports the stream open.
    response.write(': connected\n\n');
    const expiresInMs = principal.expiresAt * 1000 - Date.now();
    if (expiresInMs <= 0) {
      this.fail('token_expired');
      return;
    }
    this.expiryTimer = setTimeout(() => this.fail('token_expired'), Math.min(expiresInMs, MAX_TIMER_MS));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.deps.config.sse.heartbeatIntervalMs);
    if (this.options.target !== undefined) void this.connectUpstream(this.options.target);
  }

  /** Sends `event: error` with `code` and ends the stream. */
  fail(code: string): void {
    if (this.closed) return;
    this.options.response.write(errorFrame(code));
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.reconnectTimer);
    this.upstreamAbort?.abort();
    const { response, principal, connectionId } = this.options;
    if (!response.writableEnded) response.end();
    void this.deps.registry.unregister(principal.userId, connectionId);
    this.options.onClosed(this);
  }

  private heartbeat(): void {
    if (this.closed) return;
    const { target, principal, connectionId } = this.options;
    if (target === undefined) {
      this.sequence += 1;
      this.options.response.write(`data: ${JSON.stringify({ type: 'heartbeat', sequence: this.sequence })}\n\n`);
    } else {
      const data = { upstream: target.upstream.name, ts: new Date().toISOString() };
      this.options.response.write(`event: heartbeat\ndata: ${JSON.stringify(data)}\n\n`);
    }
    void this.deps.registry.refresh(principal.userId, connectionId);
    if (principal.type === 'access') {
      void this.deps.authenticator.isDisabled(principal.userId).then((disabled) => {
        if (disabled) this.fail('user_disabled');
      });
    }
  }

  private scheduleReconnect(target: StreamTarget): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connectUpstream(target), this.deps.config.sse.reconnectDelayMs);
  }

  private async upstreamUrl(target: StreamTarget): Promise<string> {
    if (target.channel.url !== undefined) return target.channel.url;
    return `${await this.deps.resolver.resolve(target.upstream)}${target.channel.path}`;
  }

  private async connectUpstream(target: StreamTarget): Promise<void> {
    if (this.closed) return;
    const abort = new AbortController();
    this.upstreamAbort = abort;
    const { logger, monitor, config } = this.deps;
    const upstreamName = target.upstream.name;
    try {
      const url = await this.upstreamUrl(target);
      const context = this.deps.forwarder.forwardContext(this.options.request, this.options.principal.token);
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: `Bearer ${this.options.principal.token}`,
        'x-request-id': context.requestId,
        traceparent: context.traceparent,
        'x-trace-id': context.traceId,
        'x-forwarded-for': context.forwardedFor,
      };
      if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
      const { statusCode, body } = await undiciRequest(url, {
        dispatcher: this.deps.dispatcher,
        signal: abort.signal,
        headers,
        headersTimeout: target.upstream.timeoutMs,
        // Upstreams send keep-alive comments; this much silence means the connection is dead.
        bodyTimeout: config.sse.monitorTtlMs,
      });
      if (statusCode === 401 || statusCode === 403) {
        const text = await body.text().catch(() => '');
        this.fail(statusCode === 401 && text.includes('token_expired') ? 'token_expired' : 'forbidden');
        return;
      }
      if (statusCode !== 200) {
        await body.dump();
        logger.warn({ upstream: upstreamName, status: statusCode }, 'SSE upstream refused the stream; retrying');
        this.scheduleReconnect(target);
        return;
      }
      monitor.touch(upstreamName);
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of body) {
        if (this.closed) break;
        monitor.touch(upstreamName);
        for (const frame of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) {
          if (frame.id !== undefined) {
            this.lastEventId = frame.id;
            monitor.touch(upstreamName, frame.id);
          }
          if (!this.options.response.write(serializeFrame(frame))) await this.drained();
          if (this.closed) break;
        }
      }
    } catch (error) {
      if (this.closed || abort.signal.aborted) return;
      logger.warn({ err: error, upstream: upstreamName }, 'SSE upstream dropped; reconnecting');
    } finally {
      if (this.upstreamAbort === abort) this.upstreamAbort = undefined;
      abort.abort();
    }
    this.scheduleReconnect(target);
  }

  /** Waits until a slow client has taken what was written (or is gone): upstream reading pauses meanwhile. */
  private async drained(): Promise<void> {
    const { response } = this.options;
    if (this.closed || response.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      response.on('drain', done);
      response.on('close', done);
    });
  }
}
