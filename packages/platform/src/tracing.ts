import { createRequire } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { core, NodeSDK } from '@opentelemetry/sdk-node';

export interface TracingHandle {
  /** False when OTEL_EXPORTER_OTLP_ENDPOINT is unset and nothing was started. */
  enabled: boolean;
  shutdown(): Promise<void>;
}

const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

// OpenTelemetry registers process-wide providers, so services sharing a process share one SDK;
// it stops when the last of them shuts down.
let shared: { sdk: NodeSDK; users: number } | undefined;

/**
 * Starts the OpenTelemetry SDK (HTTP spans, W3C `traceparent` propagation, OTLP/HTTP export) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise returns a handle that does nothing. Call it before
 * the service starts listening.
 */
export async function startTracing(options: { serviceName: string }): Promise<TracingHandle> {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!endpoint) return { enabled: false, shutdown: async () => {} };

  if (shared === undefined) {
    const sdk = new NodeSDK({
      serviceName: options.serviceName,
      traceExporter: new OTLPTraceExporter(),
      textMapPropagator: new core.W3CTraceContextPropagator(),
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0] ?? ''),
        }),
      ],
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    // The instrumentation patches `http` when it is next required; our ESM modules imported it
    // before the SDK existed, so require it once here to apply the patch now.
    const require = createRequire(import.meta.url);
    require('node:http');
    require('node:https');
    shared = { sdk, users: 0 };
  }
  const current = shared;
  current.users += 1;
  let stopped = false;
  return {
    enabled: true,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      current.users -= 1;
      if (current.users === 0) {
        if (shared === current) shared = undefined;
        await current.sdk.shutdown();
      }
    },
  };
}
