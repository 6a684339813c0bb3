// rocketmq_rpc_latency: how long each request took from dispatch to its response, by request and
// response code (NettyRemotingAbstract#writeResponse with RemotingMetricsManager's labels and
// buckets). Installed once per server, it wraps every processor registered after it, so no
// processor measures itself. A processor that parks a request (a long-polling pull) returns
// null and answers later on its own; whoever writes that answer calls answeredLater, which
// records the whole time from dispatch with is_long_polling=true (request.isSuspended() in
// NettyRemotingAbstract#writeResponse), once per request.
import { KiteError } from '../../common/errors.js';
import { isOneway, type RemotingCommand } from '../../protocol/remoting-command.js';
import { requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode, responseCodeName } from '../../protocol/response-code.js';
import type { RequestProcessor } from '../processor.js';
import type { RemotingServer } from '../remoting-server.js';
import { BucketHistogram, type CollectedMetric, type Labels } from './collected.js';

export const RPC_LATENCY = 'rocketmq_rpc_latency';
/** RemotingMetricsManager's rpc latency view, in ms. */
export const RPC_LATENCY_BUCKETS_MS = [1, 3, 5, 7, 10, 100, 1000, 2000, 3000] as const;

/** RemotingHelper#getRequestCodeDesc: the constant's name in lower case, else the number. */
export function codeLabel(name: string, code: number): string {
  return name.startsWith('UNKNOWN(') ? String(code) : name.toLowerCase();
}

type Result = 'success' | 'oneway' | 'process_request_failed';
const RESULTS: readonly Result[] = ['success', 'oneway', 'process_request_failed'];

export class RpcLatency implements CollectedMetric {
  readonly name = RPC_LATENCY;
  readonly help = 'Time from dispatch to response, in milliseconds.';
  readonly type = 'histogram' as const;
  /**
   * Key: request code * 2^20 + (response code + 2^10) * 8 + long polling * 4 + result index
   * (codes are small).
   */
  private readonly h = new BucketHistogram<number>(RPC_LATENCY_BUCKETS_MS);
  private readonly now: () => number;
  /** When each parked request was dispatched; weak, so a pull never answered leaves nothing. */
  private readonly parked = new WeakMap<RemotingCommand, number>();

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Times every processor `server` registers from now on. */
  install(server: Pick<RemotingServer, 'registerProcessor'>): void {
    const register = server.registerProcessor.bind(server);
    server.registerProcessor = (codes, p) => register(codes, this.wrap(p));
  }

  wrap(p: RequestProcessor): RequestProcessor {
    return (req, conn) => {
      const started = this.now();
      let res: ReturnType<RequestProcessor>;
      try {
        res = p(req, conn);
      } catch (err) {
        this.failed(req, err, started);
        throw err;
      }
      if (res instanceof Promise) {
        return res.then(
          (r) => {
            if (r) this.record(req, r.code, started);
            else this.park(req, started);
            return r;
          },
          (err: unknown) => {
            this.failed(req, err, started);
            throw err;
          },
        );
      }
      if (res) this.record(req, res.code, started);
      else this.park(req, started);
      return res;
    };
  }

  /**
   * The parked `req` was answered with `responseCode` (`failed`: its re-run threw). A request
   * that was never parked, or was answered before, is not counted again.
   */
  answeredLater(req: RemotingCommand, responseCode: number, failed = false): void {
    const started = this.parked.get(req);
    if (started === undefined) return;
    this.parked.delete(req);
    this.h.observe(key(req.code, responseCode, failed ? 2 : 0, true), this.now() - started);
  }

  private park(req: RemotingCommand, started: number): void {
    if (!isOneway(req)) this.parked.set(req, started);
  }

  private record(req: RemotingCommand, responseCode: number, started: number): void {
    const result = isOneway(req) ? 1 : 0;
    this.h.observe(key(req.code, responseCode, result, false), this.now() - started);
  }

  private failed(req: RemotingCommand, err: unknown, started: number): void {
    const code = err instanceof KiteError ? err.responseCode : ResponseCode.SYSTEM_ERROR;
    this.h.observe(key(req.code, code, 2, false), this.now() - started);
  }

  read() {
    return this.h.samples(this.name, labelsOf);
  }
}

function key(requestCode: number, responseCode: number, result: number, longPolling: boolean) {
  return requestCode * 2 ** 20 + (responseCode + 2 ** 10) * 8 + (longPolling ? 4 : 0) + result;
}

function labelsOf(k: number): Labels {
  const requestCode = Math.floor(k / 2 ** 20);
  const rest = k - requestCode * 2 ** 20;
  const responseCode = Math.floor(rest / 8) - 2 ** 10;
  return {
    protocol_type: 'remoting',
    request_code: codeLabel(requestCodeName(requestCode), requestCode),
    response_code: codeLabel(responseCodeName(responseCode), responseCode),
    is_long_polling: rest % 8 >= 4 ? 'true' : 'false',
    result: RESULTS[rest % 4] ?? 'success',
  };
}
