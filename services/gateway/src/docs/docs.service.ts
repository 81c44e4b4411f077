import { buildOpenApi, type Logger, OPENAPI_ROUTE, type OpenApiDocument } from '@polis/platform';
import { request } from 'undici';
import type { UpstreamResolver } from '../discovery/upstream-resolver.js';
import type { GatewayConfig } from '../gateway.config.js';
import { UPSTREAM_NAMES } from '../routing/upstreams.js';
import { GATEWAY_ROUTES } from './gateway.routes.js';
import { mergeOpenApi, type ServiceDocs, serviceDocumentSchema } from './openapi-merge.js';

const DOCS_TIMEOUT_MS = 3000;
const DOCS_SIZE_LIMIT = 5 * 1024 * 1024;
const TITLE = 'Polis API';

function version(): string {
  return process.env.SERVICE_VERSION ?? process.env.npm_package_version ?? 'dev';
}

function describeFailure(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Builds the merged document on demand from each enabled service's `GET /docs/openapi.json`, and
 * keeps it for `GATEWAY_DOCS_CACHE_MS` so that opening the docs does not fan out every time.
 */
export class DocsService {
  private readonly gateway: OpenApiDocument;
  private cached: { document: OpenApiDocument; builtAt: number } | undefined;
  private building: Promise<OpenApiDocument> | undefined;

  constructor(private readonly deps: { config: GatewayConfig; resolver: UpstreamResolver; logger: Logger }) {
    this.gateway = buildOpenApi({ title: 'gateway', version: version(), routes: GATEWAY_ROUTES });
  }

  /** The last document built (the Gateway's own until a first merge), for synchronous readers. */
  current(): OpenApiDocument {
    return (
      this.cached?.document ?? mergeOpenApi({ title: TITLE, version: version(), gateway: this.gateway, services: [] })
    );
  }

  async document(): Promise<OpenApiDocument> {
    const cached = this.cached;
    if (cached !== undefined && Date.now() - cached.builtAt < this.deps.config.docsCacheMs) return cached.document;
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async build(): Promise<OpenApiDocument> {
    const names = UPSTREAM_NAMES.filter((name) => name !== 'telegram-bot' && this.deps.config.upstreams[name].enabled);
    const services = await Promise.all(names.map((name) => this.fetchService(name)));
    const document = mergeOpenApi({ title: TITLE, version: version(), gateway: this.gateway, services });
    this.cached = { document, builtAt: Date.now() };
    return document;
  }

  private async fetchService(name: (typeof UPSTREAM_NAMES)[number]): Promise<ServiceDocs> {
    const upstream = this.deps.config.upstreams[name];
    try {
      const base = await this.deps.resolver.resolve(upstream);
      const timeout = Math.min(upstream.timeoutMs, DOCS_TIMEOUT_MS);
      const response = await request(`${base}${OPENAPI_ROUTE}`, {
        headers: { accept: 'application/json' },
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        return { service: name, unavailable: `answered ${response.statusCode}` };
      }
      const length = Number(response.headers['content-length'] ?? 0);
      if (length > DOCS_SIZE_LIMIT) {
        await response.body.dump();
        return { service: name, unavailable: 'document too large' };
      }
      const parsed = serviceDocumentSchema.safeParse(await response.body.json());
      if (!parsed.success) return { service: name, unavailable: 'not an OpenAPI document' };
      return { service: name, document: parsed.data };
    } catch (error) {
      this.deps.logger.warn({ err: error, upstream: name }, 'OpenAPI document of a service could not be fetched');
      return { service: name, unavailable: describeFailure(error) };
    }
  }
}
