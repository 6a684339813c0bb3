// One line for a port another process holds, naming the config key that moves it: for listeners
// the generic startup message (cli/lifecycle.ts) cannot attribute, such as the HA port
// (haListenPort, DefaultHAService#AcceptSocketService binds it apart from the remoting server).
import { ConfigError } from './errors.js';

/** A ConfigError ("port N (key) is in use; set key or stop the other process") for EADDRINUSE. */
export function portInUseError(err: unknown, port: number, key: string): unknown {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EADDRINUSE') return err;
  return new ConfigError(`port ${port} (${key}) is in use; set ${key} or stop the other process`, {
    cause: err,
  });
}
