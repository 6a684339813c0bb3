// Accepts connections and dispatches requests by code. Decisions that do not depend on the
// request's meaning live here: unknown code → REQUEST_CODE_NOT_SUPPORTED, too many requests in
// flight on a connection → SYSTEM_BUSY, a throw → its code and remark, oneway → no answer.
import { EventEmitter } from 'node:events';
import { createServer, Server } from 'node:net';
import { KiteError } from '../common/errors.js';
import { MAX_PENDING_REQUESTS_PER_CONNECTION } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { createResponse, isOneway, type RemotingCommand } from '../protocol/remoting-command.js';
import { requestCodeName } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { Connection } from './connection.js';
import type { RequestProcessor } from './processor.js';

export interface RemotingServerEvents {
  connection: [conn: Connection];
  disconnect: [conn: Connection];
}

export class RemotingServer extends EventEmitter<RemotingServerEvents> {
  private readonly processors = new Map<number, RequestProcessor>();
  private readonly connections = new Set<Connection>();
  private readonly inFlight = new WeakMap<Connection, number>();
  private servers: Server[] = [];

  private readonly log: Logger;

  constructor(log: Logger) {
    super();
    this.log = log;
  }

  registerProcessor(codes: number | readonly number[], processor: RequestProcessor): void {
    for (const code of typeof codes === 'number' ? [codes] : codes)
      this.processors.set(code, processor);
  }

  /** Listens on host:port (0 = any free port) and resolves with the bound port. */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = await this.bind(port, host);
    this.servers.push(server);
    return boundPortOf(server, port);
  }

  /**
   * Listens on a port p and on p - below together (a broker's listenPort and its fast channel).
   * With port 0 the pair is found by binding, never by probing: p from the OS, then p - below;
   * while p - below is taken p is let go and another tried, so no other process can take a port
   * between choosing and binding it.
   */
  async listenPair(port: number, below: number, host: string, attempts: number): Promise<number> {
    if (port !== 0) {
      const main = await this.listen(port, host);
      if (port > below) await this.listen(port - below, host);
      return main;
    }
    for (let attempt = 1; ; attempt++) {
      const main = await this.bind(0, host);
      const p = boundPortOf(main, 0);
      const low = p > below ? await this.bind(p - below, host).catch((err: unknown) => err) : null;
      if (low instanceof Server) {
        this.servers.push(main, low);
        return p;
      }
      await new Promise<void>((resolve) => main.close(() => resolve()));
      const taken = low === null || (low as { code?: unknown }).code === 'EADDRINUSE';
      if (!taken || attempt >= attempts) {
        throw low ?? new Error(`no free port p with p - ${below} free on ${host}`);
      }
    }
  }

  private bind(port: number, host: string): Promise<Server> {
    const server = createServer((socket) =>
      this.accept(new Connection(socket, this.log, { copyBodies: false })),
    );
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.close();
    await Promise.all(
      this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    this.servers = [];
  }

  private accept(conn: Connection): void {
    this.connections.add(conn);
    conn.on('request', (cmd) => this.dispatch(conn, cmd));
    conn.on('close', () => {
      this.connections.delete(conn);
      this.emit('disconnect', conn);
    });
    this.emit('connection', conn);
  }

  private dispatch(conn: Connection, req: RemotingCommand): void {
    const processor = this.processors.get(req.code);
    if (!processor) {
      this.reply(
        conn,
        req,
        createResponse(
          req,
          ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
          ` request type ${req.code} not supported`,
        ),
      );
      return;
    }
    const n = this.inFlight.get(conn) ?? 0;
    if (n >= MAX_PENDING_REQUESTS_PER_CONNECTION) {
      this.reply(
        conn,
        req,
        createResponse(
          req,
          ResponseCode.SYSTEM_BUSY,
          `[OVERLOAD]system busy, more than ${MAX_PENDING_REQUESTS_PER_CONNECTION} requests in flight on this connection; retry later`,
        ),
      );
      return;
    }
    this.inFlight.set(conn, n + 1);
    let result: ReturnType<RequestProcessor>;
    try {
      result = processor(req, conn);
    } catch (err) {
      this.done(conn);
      this.reply(conn, req, this.errorResponse(req, err));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (res) => {
          this.done(conn);
          if (res) this.reply(conn, req, res);
        },
        (err: unknown) => {
          this.done(conn);
          this.reply(conn, req, this.errorResponse(req, err));
        },
      );
    } else {
      this.done(conn);
      if (result) this.reply(conn, req, result);
    }
  }

  private done(conn: Connection): void {
    this.inFlight.set(conn, (this.inFlight.get(conn) ?? 1) - 1);
  }

  private reply(conn: Connection, req: RemotingCommand, res: RemotingCommand): void {
    if (isOneway(req)) return;
    res.opaque = req.opaque;
    // A client that cannot read binary headers never sends one, so answering in the request's
    // serialization is safe for all (a Java server answers in its own configured type instead).
    res.serializeType = req.serializeType;
    conn.send(res);
  }

  private errorResponse(req: RemotingCommand, err: unknown): RemotingCommand {
    if (err instanceof KiteError && err.family !== 'protocol') {
      return createResponse(req, err.responseCode, err.remark);
    }
    this.log.error({ err, code: requestCodeName(req.code) }, 'request processing failed');
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return createResponse(req, ResponseCode.SYSTEM_ERROR, msg);
  }
}

function boundPortOf(server: Server, requested: number): number {
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : requested;
}
