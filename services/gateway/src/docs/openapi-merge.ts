import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '@polis/platform';
import { z } from 'zod';

/** What a service's `/docs/openapi.json` must look like to be merged; everything else is kept as is. */
export const serviceDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string().optional(), version: z.string().optional() }).optional(),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  components: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type ServiceDocument = z.infer<typeof serviceDocumentSchema>;

export interface ServiceDocs {
  service: string;
  document?: ServiceDocument;
  /** Why the document could not be had (service down, no document, not valid). */
  unavailable?: string;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** Deep copy with every `$ref` passed through `rename`. */
function renameRefs(value: unknown, rename: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === '$ref' && typeof item === 'string' ? rename(item) : renameRefs(item, rename);
  }
  return copy;
}

function componentSection(document: OpenApiDocument, section: string): Record<string, JsonSchema> {
  const existing = document.components[section];
  if (existing !== undefined) return existing;
  const created: Record<string, JsonSchema> = {};
  document.components[section] = created;
  return created;
}

function pathItem(document: OpenApiDocument, path: string): Record<string, OpenApiOperation> {
  const existing = document.paths[path];
  if (existing !== undefined) return existing;
  const created: Record<string, OpenApiOperation> = {};
  document.paths[path] = created;
  return created;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Public routes only: the Gateway never exposes `/internal/**`, so neither does its document. */
function isPublicPath(path: string): boolean {
  return path.startsWith('/api/v1/') && !path.startsWith('/api/v1/internal/');
}

/**
 * ONE OpenAPI 3.1 document from the Gateway's own routes and each reachable service's document:
 * paths and components merged, every operation tagged with its service (its own tags kept in
 * `x-tags`), a component that two services define differently renamed `<Service><Name>`, and the
 * services that could not be asked named in `info.description`.
 */
export function mergeOpenApi(options: {
  title: string;
  version: string;
  gateway: OpenApiDocument;
  services: ServiceDocs[];
}): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version },
    tags: [{ name: 'gateway', description: 'Served by the Gateway itself' }],
    paths: {},
    components: {},
  };
  const addComponents = (components: Record<string, Record<string, unknown>>): void => {
    for (const [section, entries] of Object.entries(components)) {
      const target = componentSection(merged, section);
      for (const [name, entry] of Object.entries(entries)) target[name] = entry as JsonSchema;
    }
  };

  for (const [path, item] of Object.entries(options.gateway.paths)) {
    const tagged: Record<string, OpenApiOperation> = {};
    for (const [method, operation] of Object.entries(item)) tagged[method] = { ...operation, tags: ['gateway'] };
    merged.paths[path] = tagged;
  }
  addComponents(options.gateway.components as Record<string, Record<string, unknown>>);

  const mergedFrom: string[] = [];
  const unavailable: string[] = [];
  for (const { service, document, unavailable: reason } of options.services) {
    if (document === undefined) {
      unavailable.push(`${service} (${reason ?? 'unavailable'})`);
      continue;
    }
    mergedFrom.push(service);
    merged.tags?.push({ name: service, description: document.info?.title ?? service });

    const renames = new Map<string, string>();
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      for (const [name, entry] of Object.entries(entries)) {
        const existing = merged.components[section]?.[name];
        if (existing !== undefined && !sameJson(existing, entry)) {
          renames.set(`#/components/${section}/${name}`, `#/components/${section}/${pascal(service)}${name}`);
        }
      }
    }
    const renamed = renameRefs(document, (ref) => renames.get(ref) ?? ref) as ServiceDocument;
    for (const [section, entries] of Object.entries(renamed.components ?? {})) {
      const target = componentSection(merged, section);
      for (const [name, entry] of Object.entries(entries)) {
        const ref = `#/components/${section}/${name}`;
        const finalName = renames.get(ref)?.slice(`#/components/${section}/`.length) ?? name;
        target[finalName] = entry as JsonSchema;
      }
    }

    for (const [path, item] of Object.entries(renamed.paths ?? {})) {
      if (!isPublicPath(path)) continue;
      const target = pathItem(merged, path);
      for (const [method, value] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method) || typeof value !== 'object' || value === null) continue;
        const operation = value as OpenApiOperation;
        const ownTags = Array.isArray(operation.tags) ? operation.tags : [];
        const { tags: _ownTags, ...rest } = operation;
        target[method] = { ...rest, tags: [service], ...(ownTags.length > 0 ? { 'x-tags': ownTags } : {}) };
      }
    }
  }

  const lines = [
    `One document for the public API behind the Gateway, merged from: ${['gateway', ...mergedFrom].join(', ')}.`,
  ];
  if (unavailable.length > 0) lines.push(`Not included because they could not be reached: ${unavailable.join('; ')}.`);
  merged.info.description = lines.join('\n\n');
  return merged;
}
