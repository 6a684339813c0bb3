// The wire below RemotingClient, for tests that look at the bytes: a plain socket that writes
// frames in a chosen header serialization and hands back each answer with its serialize-type
// byte, and a recording TCP proxy that notes the type byte of every frame passing each way.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder } from '../../src/protocol/frame.js';
import {
  decodeCommand,
  encodeCommand,
  type RemotingCommand,
  type SerializeTypeValue,
} from '../../src/protocol/remoting-command.js';

export interface RawAnswer {
  /** The high byte of the answer's header-length word: 0 JSON, 1 ROCKETMQ. */
  type: number;
  cmd: RemotingCommand;
}

function split(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

export class RawSocket {
  private readonly decoder = new FrameDecoder();
  private readonly waiting = new Map<number, (a: RawAnswer) => void>();
  private nextOpaque = 1;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) {
        const cmd = decodeCommand(frame);
        this.waiting.get(cmd.opaque)?.({ type: frame.readUInt8(0), cmd });
        this.waiting.delete(cmd.opaque);
      }
    });
  }

  static open(addr: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = connect(split(addr));
      s.once('error', reject);
      s.once('connect', () => resolve(new RawSocket(s)));
    });
  }

  /** Writes cmd with the given header serialization; resolves with the answer to its opaque. */
  exchange(cmd: RemotingCommand, serializeType: SerializeTypeValue): Promise<RawAnswer> {
    const opaque = this.nextOpaque++;
    const answer = new Promise<RawAnswer>((resolve) => this.waiting.set(opaque, resolve));
    this.socket.write(encodeCommand({ ...cmd, opaque, serializeType }));
    return answer;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A TCP proxy in front of target, counting the serialize types of the frames in each direction. */
export class RecordingProxy {
  /** Serialize-type byte of each frame the clients sent, and of each frame sent back to them. */
  readonly sent: number[] = [];
  readonly received: number[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  readonly addr: string;

  private constructor(server: Server, addr: string) {
    this.server = server;
    this.addr = addr;
  }

  static async start(target: string): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    const server = createServer((client) => {
      const upstream = connect(split(target));
      for (const s of [client, upstream]) {
        proxy!.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const up = new FrameDecoder();
      const down = new FrameDecoder();
      client.on('data', (chunk) => {
        for (const f of up.push(chunk)) proxy!.sent.push(f.readUInt8(0));
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        for (const f of down.push(chunk)) proxy!.received.push(f.readUInt8(0));
        client.write(chunk);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    proxy = new RecordingProxy(server, `127.0.0.1:${port}`);
    return proxy;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
