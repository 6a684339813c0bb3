// Process lifecycle shared by the server commands: one clear line and exit 1 on a startup error
// (stack only with KITEMQ_DEBUG=1), graceful shutdown on SIGINT/SIGTERM (a second signal exits at
// once), and config warnings routed to the log.

import { AssertionError } from '../common/assert.js';
import { ConfigError } from '../common/errors.js';
import { SHUTDOWN_DEADLINE_MS } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { UsageError } from './args.js';

export interface StartupHints {
  /** What to change when a port is taken, e.g. "set listenPort in broker.conf". */
  readonly portHint: string;
}

/** Runs a command body; any error becomes one line on stderr and exit code 1. */
export async function runMain(
  name: string,
  hints: StartupHints,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (err) {
    console.error(`${name}: ${describeStartupError(err, hints)}`);
    if (process.env.KITEMQ_DEBUG === '1') console.error(err);
    process.exit(1);
  }
}

interface SystemError {
  code?: string;
  syscall?: string;
  port?: number;
  address?: string;
  path?: string;
  message?: string;
  cause?: unknown;
}

/** One actionable sentence for the errors a person can fix; the message for anything else. */
export function describeStartupError(err: unknown, hints: StartupHints): string {
  if (err instanceof UsageError || err instanceof ConfigError) return err.message;
  const sys = findSystemError(err);
  if (sys?.code === 'EADDRINUSE') {
    const where = sys.port !== undefined ? `port ${sys.port}` : 'the port';
    return `${where} is already in use${sys.address ? ` on ${sys.address}` : ''}; stop the other process or ${hints.portHint}`;
  }
  if (sys?.code === 'EACCES' && sys.syscall === 'listen') {
    return `no permission to listen on port ${sys.port ?? '?'}; use a port above 1023 or ${hints.portHint}`;
  }
  if (sys?.code === 'EADDRNOTAVAIL') {
    return `cannot bind ${sys.address ?? 'the address'}: not an address of this machine; fix bindAddress`;
  }
  if (sys?.path !== undefined && ['EACCES', 'EPERM', 'EROFS'].includes(sys.code ?? '')) {
    return `cannot write ${sys.path} (${sys.code}); set storePathRootDir to a writable directory`;
  }
  if (sys?.code === 'ERR_MODULE_NOT_FOUND') {
    return `the build in dist/ is incomplete (${sys.message ?? 'a module is missing'}); run npm run build`;
  }
  if (sys?.code === 'ENOSPC') return `no space left on device${sys.path ? ` for ${sys.path}` : ''}`;
  const message = err instanceof Error ? err.message : String(err);
  return `failed to start: ${message}${process.env.KITEMQ_DEBUG === '1' ? '' : ' (KITEMQ_DEBUG=1 shows the stack)'}`;
}

function findSystemError(err: unknown): SystemError | undefined {
  for (let e = err as SystemError | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object' && typeof e.code === 'string' && e.code.startsWith('E')) return e;
    e = e.cause as SystemError | undefined;
  }
  return undefined;
}

/**
 * On SIGINT/SIGTERM: log, await shutdown(), exit 0 (1 if shutdown failed or overran its deadline).
 * A second signal while shutting down exits immediately with 1.
 */
export function exitOnSignals(log: Logger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    const deadline = setTimeout(() => {
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown overran its deadline; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    const startedAt = Date.now();
    shutdown().then(
      () => {
        log.info({ tookMs: Date.now() - startedAt }, 'shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (err) => onProcessFault(log, 'unhandledRejection', err));
  process.on('uncaughtException', (err) => onProcessFault(log, 'uncaughtException', err));
}

/**
 * A fault nothing caught. A broken invariant (AssertionError) or an uncaught exception stops the
 * server with a log line, before it can damage the store; a promise rejected on some side path
 * is logged and the server keeps serving its other clients. Returns whether it exits.
 */
export function onProcessFault(
  log: Logger,
  kind: 'unhandledRejection' | 'uncaughtException',
  err: unknown,
  exit: (code: number) => void = (code) => process.exit(code),
): boolean {
  if (kind === 'uncaughtException' || err instanceof AssertionError) {
    log.error({ err, kind }, 'internal error; stopping (the store recovers at the next start)');
    exit(1);
    return true;
  }
  log.error({ err, kind }, 'a promise was rejected with nobody to handle it; still serving');
  return false;
}

/** Config warnings go to the structured log, one entry each. */
export function logConfigWarnings(log: Logger, warnings: readonly string[]): void {
  for (const w of warnings) log.warn({ config: true }, w);
}

/** For -p: warnings to stderr so stdout stays a clean key=value listing. */
export function printConfigWarnings(name: string, warnings: readonly string[]): void {
  for (const w of warnings) console.error(`${name}: warning: ${w}`);
}

/** The port a controller actually bound (when it exposes one), else the configured port. */
export function boundPort(controller: object, configured: number): number {
  const port = (controller as { port?: unknown }).port;
  return typeof port === 'number' && port > 0 ? port : configured;
}
