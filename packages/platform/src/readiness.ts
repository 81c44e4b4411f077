export type ReadinessCheck = () => Promise<void>;

export type DependencyStatus = { status: 'up' } | { status: 'down'; message: string };

/** The shape @nestjs/terminus answers with, so probes and dashboards need not care which service they ask. */
export interface ReadinessReport {
  status: 'ok' | 'error';
  info: Record<string, DependencyStatus>;
  error: Record<string, DependencyStatus>;
  details: Record<string, DependencyStatus>;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<DependencyStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once, each bounded by `timeoutMs`; one failing check makes the whole report `error`. */
export async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = DEFAULT_READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
  const report: ReadinessReport = { status: 'ok', info: {}, error: {}, details: {} };
  names.forEach((name, index) => {
    const result = results[index]!;
    report.details[name] = result;
    if (result.status === 'up') {
      report.info[name] = result;
    } else {
      report.error[name] = result;
      report.status = 'error';
    }
  });
  return report;
}
