/** The slice of a pino logger the bus needs; a pino `Logger` satisfies it as is. */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentBusLogger: BusLogger = {
  info() {},
  warn() {},
  error() {},
};

/** Handlers may throw anything; the reason stored with a dead letter must still be readable text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
