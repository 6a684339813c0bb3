// One TCP connection speaking RemotingCommand frames, used on both sides: the server hands
// requests to its dispatcher, the client matches responses to pending requests by opaque. Either
// side may also send requests (brokers notify consumers on the same connection).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import {
  MAX_IN_FLIGHT_REQUESTS_PER_CLIENT_CONNECTION,
  MAX_SEND_QUEUE_BYTES_PER_CONNECTION,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { processMs } from '../common/process-clock.js';
import { formatAddress } from '../message/socket-address.js';
import { FrameDecoder } from '../protocol/frame.js';
import { type FrameSink, OwnBufferSink, putFrame } from '../protocol/frame-sink.js';
import {
  decodeCommandAt,
  encodeCommandHead,
  FLAG_ONEWAY,
  isResponse,
  type RemotingCommand,
  type SerializeTypeValue,
} from '../protocol/remoting-command.js';
import { requestCodeName } from '../protocol/request-code.js';
import { rocketMQResponseOpaque } from '../protocol/rocketmq-header.js';
import { rangeWouldPin } from './body-retention.js';
import {
  RemotingClosedError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
} from './errors.js';
import { PendingTable } from './pending-table.js';
import { WriteSlab } from './write-slab.js';

/**
 * Who waits for a request's answer: exactly one of resolve (the response) or reject (timeout,
 * connection closed, too many requests) is called. The connection sets the other three fields
 * when the request goes out, so a caller that is itself a waiter (the producer's send) adds no
 * object per request.
 */
export interface ResponseWaiter {
  resolve(cmd: RemotingCommand): void;
  /**
   * When present, a response with a binary header is handed over undecoded, as the frame in
   * b[start, end) (valid during the call only), instead of to resolve: the waiter reads what it
   * needs in place (the producer's send). Throws ProtocolError on a malformed frame; the
   * connection then rejects the waiter with it and closes.
   */
  resolveFrame?(b: Buffer, start: number, end: number): void;
  reject(err: Error): void;
  /** processMs() past which the request fails with RemotingTimeoutError. */
  deadline: number;
  code: number;
  timeoutMs: number;
}

/**
 * A request that writes its own frame (the producer's send, which has no RemotingCommand):
 * invokeFrame asks it for the frame once the opaque is known.
 */
export interface OutgoingRequest {
  readonly code: number;
  /** Written after the frame when longer than inlineBodyBytes (else inside it). */
  readonly body: Buffer | undefined;
  /** Puts the frame from its length prefix, as encodeCommandHead makes it, into the sink. */
  writeFrame(
    opaque: number,
    serializeType: SerializeTypeValue | undefined,
    inlineBodyBytes: number,
    sink: FrameSink,
  ): void;
}

export interface ConnectionEvents {
  request: [cmd: RemotingCommand];
  close: [];
}

let nextConnectionId = 1;

// new Promise(capture) hands its resolvers over here, read at once by invoke(): one executor for
// every request instead of a closure per request.
let capturedResolve: ((cmd: RemotingCommand) => void) | undefined;
let capturedReject: ((err: Error) => void) | undefined;
function capture(resolve: (cmd: RemotingCommand) => void, reject: (err: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

export class Connection extends EventEmitter<ConnectionEvents> {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Free-form per-connection state for the layers above (client id, language, version). */
  readonly attributes = new Map<string, unknown>();
  private readonly decoder = new FrameDecoder();
  private readonly pending = new PendingTable<ResponseWaiter>();
  /**
   * One timer for all pending requests, armed at the earliest deadline (a timer per request
   * showed as a tenth of a producer's CPU, most of it garbage): under load nearly every request
   * is answered long before it, so the timer fires about once per timeout and finds little.
   */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Number.POSITIVE_INFINITY;
  private readonly sweep = (): void => {
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = processMs();
    let next = Number.POSITIVE_INFINITY;
    for (const [opaque, p] of this.pending.entries()) {
      if (p.deadline <= now) {
        this.pending.delete(opaque);
        p.reject(
          new RemotingTimeoutError(this.remoteAddress, requestCodeName(p.code), p.timeoutMs),
        );
      } else if (p.deadline < next) {
        next = p.deadline;
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.armSweep(next);
  };
  private nextOpaque = 1; // ali-ons replaces a falsy opaque, so never send 0
  private closed = false;
  private readPaused = false;
  private corked = false;
  /** Frames written in one pass of the loop leave in one writev, not one syscall each. */
  private readonly uncork = (): void => {
    this.corked = false;
    if (this.closed) return;
    this.slab?.flush();
    this.socket.uncork();
  };
  /**
   * A client's frames with inlined bodies, gathered per pass of the loop (write-slab.ts); a
   * server writes each response's buffer as it is made (its bodies are large and uncopied).
   */
  private readonly slab: WriteSlab | undefined;
  private readonly ownSink = new OwnBufferSink();

  readonly socket: Socket;
  private readonly log: Logger;

  /**
   * False on a server's connections: request bodies are stored or parsed while the request is
   * handled, so they may point into the network chunk instead of being copied out of it. True on
   * a client's, where a body is copied only when its view would pin much more than itself.
   */
  private readonly copyBodies: boolean;
  /**
   * The header encoding of requests this side starts (responses take their request's): an SDK
   * connection's choice, JSON on a server's.
   */
  private readonly serializeType: SerializeTypeValue | undefined;
  /** Bodies up to this size go out inside their frame's buffer (0 on a server: never). */
  private readonly inlineBodyBytes: number;

  constructor(
    socket: Socket,
    log: Logger,
    opts: {
      copyBodies?: boolean;
      serializeType?: SerializeTypeValue;
      inlineBodyBytes?: number;
    } = {},
  ) {
    super();
    this.inlineBodyBytes = opts.inlineBodyBytes ?? 0;
    this.copyBodies = opts.copyBodies ?? true;
    this.serializeType = opts.serializeType;
    this.slab =
      this.inlineBodyBytes > 0 ? new WriteSlab((bytes) => this.socket.write(bytes)) : undefined;
    this.socket = socket;
    this.log = log;
    this.remoteAddress = formatAddress(socket.remoteAddress ?? '0.0.0.0', socket.remotePort ?? 0);
    this.localAddress = formatAddress(socket.localAddress ?? '0.0.0.0', socket.localPort ?? 0);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) =>
      this.log.debug({ err, remote: this.remoteAddress }, 'socket error'),
    );
    socket.on('close', () => this.onClose());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes a frame; pauses reading from the peer while too much is queued for it. */
  send(cmd: RemotingCommand): void {
    if (this.closed) return;
    this.cork();
    const head = encodeCommandHead(cmd, this.inlineBodyBytes);
    if (this.slab) putFrame(this.slab, head);
    else this.socket.write(head);
    this.written(cmd.body);
  }

  /** The writes of this pass of the loop leave together, at its end. */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(this.uncork);
  }

  /** After a frame's head: its body when not inlined, then the send queue's bound. */
  private written(body: Buffer | undefined): void {
    if (body !== undefined && body.length > this.inlineBodyBytes) {
      this.slab?.flush(); // the head first
      this.socket.write(body);
    }
    if (!this.readPaused && this.socket.writableLength > MAX_SEND_QUEUE_BYTES_PER_CONNECTION) {
      this.readPaused = true;
      this.socket.pause();
      this.log.warn({ remote: this.remoteAddress }, 'send queue full; pausing reads from peer');
    }
  }

  invoke(cmd: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (this.closed) return Promise.reject(new RemotingClosedError(this.remoteAddress));
    const promise = new Promise<RemotingCommand>(capture);
    const resolve = capturedResolve!;
    const reject = capturedReject!;
    capturedResolve = capturedReject = undefined;
    this.invokeWith(cmd, timeoutMs, { resolve, reject, deadline: 0, code: 0, timeoutMs: 0 });
    return promise;
  }

  /** invoke() answering `waiter` instead of a promise; a refusal calls waiter.reject at once. */
  invokeWith(cmd: RemotingCommand, timeoutMs: number, waiter: ResponseWaiter): void {
    const opaque = this.admit(cmd.code, timeoutMs, waiter);
    if (opaque === undefined) return;
    cmd.opaque = opaque;
    cmd.serializeType ??= this.serializeType;
    this.send(cmd);
  }

  /** invokeWith for a request that writes its own frame, in this connection's header type. */
  invokeFrame(req: OutgoingRequest, timeoutMs: number, waiter: ResponseWaiter): void {
    const opaque = this.admit(req.code, timeoutMs, waiter);
    if (opaque === undefined) return;
    this.cork();
    if (this.slab) {
      req.writeFrame(opaque, this.serializeType, this.inlineBodyBytes, this.slab);
    } else {
      req.writeFrame(opaque, this.serializeType, this.inlineBodyBytes, this.ownSink);
      this.socket.write(this.ownSink.buffer);
    }
    this.written(req.body);
  }

  /** Parks waiter under a new opaque, returned; undefined (waiter rejected) when refused. */
  private admit(code: number, timeoutMs: number, waiter: ResponseWaiter): number | undefined {
    if (this.closed) {
      waiter.reject(new RemotingClosedError(this.remoteAddress));
      return undefined;
    }
    if (this.pending.size >= MAX_IN_FLIGHT_REQUESTS_PER_CLIENT_CONNECTION) {
      const max = MAX_IN_FLIGHT_REQUESTS_PER_CLIENT_CONNECTION;
      waiter.reject(new RemotingTooMuchRequestError(this.remoteAddress, max));
      return undefined;
    }
    const opaque = this.allocateOpaque();
    const deadline = processMs() + timeoutMs;
    waiter.deadline = deadline;
    waiter.code = code;
    waiter.timeoutMs = timeoutMs;
    this.pending.set(opaque, waiter);
    if (deadline < this.sweepAt) this.armSweep(deadline);
    return opaque;
  }

  private armSweep(at: number): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepAt = at;
    this.sweepTimer = setTimeout(this.sweep, Math.max(0, at - processMs()));
    this.sweepTimer.unref();
  }

  invokeOneway(cmd: RemotingCommand): void {
    cmd.opaque = this.allocateOpaque();
    cmd.flag |= FLAG_ONEWAY;
    cmd.serializeType ??= this.serializeType;
    this.send(cmd);
  }

  close(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.onClose();
  }

  private allocateOpaque(): number {
    const o = this.nextOpaque;
    this.nextOpaque = this.nextOpaque >= 0x7ffffff0 ? 1 : this.nextOpaque + 1;
    return o;
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.pushRanges(chunk, this.onFrame);
    } catch (err) {
      this.log.warn({ err, remote: this.remoteAddress }, 'malformed frame; closing connection');
      this.close();
    }
  }

  /** Each whole frame as it is cut out of the stream; false stops the decoder (closed). */
  private readonly onFrame = (b: Buffer, start: number, end: number): boolean => {
    if (this.closed) return false;
    const opaque = rocketMQResponseOpaque(b, start, end);
    if (opaque !== undefined) {
      const p = this.pending.get(opaque);
      if (p?.resolveFrame !== undefined) {
        this.answered(opaque);
        try {
          p.resolveFrame(b, start, end);
        } catch (err) {
          p.reject(err as Error);
          this.log.warn(
            { err, remote: this.remoteAddress },
            'malformed response; closing connection',
          );
          this.close();
          return false;
        }
        return !this.closed;
      }
    }
    let cmd: RemotingCommand;
    try {
      cmd = decodeCommandAt(b, start, end, this.copyBodies && rangeWouldPin(b, start, end));
    } catch (err) {
      this.log.warn({ err, remote: this.remoteAddress }, 'malformed command; closing connection');
      this.close();
      return false;
    }
    if (isResponse(cmd)) this.onResponse(cmd);
    else this.emit('request', cmd);
    return !this.closed;
  };

  private onResponse(cmd: RemotingCommand): void {
    const p = this.pending.get(cmd.opaque);
    if (!p) {
      this.log.debug(
        { opaque: cmd.opaque, remote: this.remoteAddress },
        'unmatched response dropped',
      );
      return;
    }
    this.answered(cmd.opaque);
    p.resolve(cmd);
  }

  /** The request of `opaque` got its answer: no longer pending. */
  private answered(opaque: number): void {
    this.pending.delete(opaque);
    if (this.pending.size === 0 && this.sweepTimer) {
      clearTimeout(this.sweepTimer); // nothing left to time out
      this.sweepTimer = undefined;
      this.sweepAt = Number.POSITIVE_INFINITY;
    }
  }

  private onDrain(): void {
    if (this.readPaused) {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const [, p] of this.pending.entries()) {
      p.reject(new RemotingClosedError(this.remoteAddress));
    }
    this.pending.clear();
    this.emit('close');
  }
}
