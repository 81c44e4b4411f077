/** The slice of a pino logger this package writes to; a pino `Logger` fits as is. */
export interface DbLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: DbLogger = {
  info() {},
  warn() {},
  error() {},
};
