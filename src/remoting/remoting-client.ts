// Keeps one connection per remote address, connects lazily, and sends requests with deadlines.
// Requests the remote side sends us (e.g. NOTIFY_CONSUMER_IDS_CHANGED) go to onRequest.
import { connect } from 'node:net';
import {
  CLIENT_INLINE_BODY_MAX_BYTES,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { parseAddress } from '../message/socket-address.js';
import {
  type RemotingCommand,
  SerializeType,
  type SerializeTypeName,
} from '../protocol/remoting-command.js';
import { Connection, type OutgoingRequest, type ResponseWaiter } from './connection.js';
import { RemotingConnectError } from './errors.js';

export type ServerRequestHandler = (cmd: RemotingCommand, conn: Connection, addr: string) => void;

export class RemotingClient {
  private readonly connections = new Map<string, Promise<Connection>>();
  /** Open connections by address, for requests that need not wait on a promise to find theirs. */
  private readonly ready = new Map<string, Connection>();
  private closed = false;

  private readonly log: Logger;
  private readonly onRequest: ServerRequestHandler | undefined;
  private readonly connectTimeoutMs: number;
  private readonly serializeType: (typeof SerializeType)[SerializeTypeName];

  /**
   * serializeType: how requests from this client encode their header (Java's
   * rocketmq.serialize.type). JSON by default, which every peer reads; the SDK picks ROCKETMQ.
   */
  constructor(
    log: Logger,
    onRequest?: ServerRequestHandler,
    connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
    serializeType: SerializeTypeName = 'JSON',
  ) {
    this.log = log;
    this.onRequest = onRequest;
    this.connectTimeoutMs = connectTimeoutMs;
    this.serializeType = SerializeType[serializeType];
  }

  invoke(
    addr: string,
    cmd: RemotingCommand,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ): Promise<RemotingCommand> {
    const open = this.ready.get(addr);
    if (open && !open.isClosed) return open.invoke(cmd, timeoutMs);
    return this.getConnection(addr).then((conn) => conn.invoke(cmd, timeoutMs));
  }

  /** invoke() answering `waiter` (connection.ts) instead of a promise: no promise per request. */
  invokeWith(addr: string, cmd: RemotingCommand, timeoutMs: number, waiter: ResponseWaiter): void {
    const open = this.ready.get(addr);
    if (open && !open.isClosed) {
      open.invokeWith(cmd, timeoutMs, waiter);
      return;
    }
    void this.getConnection(addr).then(
      (conn) => conn.invokeWith(cmd, timeoutMs, waiter),
      (err: Error) => waiter.reject(err),
    );
  }

  /** invokeWith for a request that writes its own frame (Connection#invokeFrame). */
  invokeFrame(addr: string, req: OutgoingRequest, timeoutMs: number, waiter: ResponseWaiter): void {
    const open = this.ready.get(addr);
    if (open && !open.isClosed) {
      open.invokeFrame(req, timeoutMs, waiter);
      return;
    }
    void this.getConnection(addr).then(
      (conn) => conn.invokeFrame(req, timeoutMs, waiter),
      (err: Error) => waiter.reject(err),
    );
  }

  async invokeOneway(addr: string, cmd: RemotingCommand): Promise<void> {
    const conn = await this.getConnection(addr);
    conn.invokeOneway(cmd);
  }

  getConnection(addr: string): Promise<Connection> {
    if (this.closed)
      return Promise.reject(new RemotingConnectError(addr, new Error('client closed')));
    let p = this.connections.get(addr);
    if (!p) {
      const opened = this.open(addr);
      p = opened;
      this.connections.set(addr, opened);
      // Forget the entry only while it is still ours: after closeConnection() a newer connection
      // may already sit under addr, and deleting it would leak that socket.
      const forget = () => {
        if (this.connections.get(addr) === opened) this.connections.delete(addr);
      };
      opened.then((conn) => {
        if (this.connections.get(addr) === opened) this.ready.set(addr, conn);
        conn.on('close', () => {
          forget();
          if (this.ready.get(addr) === conn) this.ready.delete(addr);
        });
      }, forget);
    }
    return p;
  }

  /** Closes the connection to addr (the next call reconnects). */
  closeConnection(addr: string): void {
    const p = this.connections.get(addr);
    this.connections.delete(addr);
    this.ready.delete(addr);
    p?.then((c) => c.close()).catch(() => {});
  }

  close(): void {
    this.closed = true;
    for (const addr of [...this.connections.keys()]) this.closeConnection(addr);
  }

  private open(addr: string): Promise<Connection> {
    const { ip, port } = parseAddress(addr);
    return new Promise<Connection>((resolve, reject) => {
      const socket = connect({ host: ip, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new RemotingConnectError(addr, new Error(`timed out after ${this.connectTimeoutMs} ms`)),
        );
      }, this.connectTimeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new RemotingConnectError(addr, err));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        const conn = new Connection(socket, this.log, {
          serializeType: this.serializeType,
          inlineBodyBytes: CLIENT_INLINE_BODY_MAX_BYTES,
        });
        conn.on('request', (cmd) => this.onRequest?.(cmd, conn, addr));
        resolve(conn);
      });
    });
  }
}
