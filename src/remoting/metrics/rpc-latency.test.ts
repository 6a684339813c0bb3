// rocketmq_rpc_latency: the wrapper times sync, async and failing processors, labels them by
// request and response code, and renders cumulative buckets.
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../common/errors.js';
import { createRequest, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../connection.js';
import type { RequestProcessor } from '../processor.js';
import { BucketHistogram } from './collected.js';
import { RpcLatency } from './rpc-latency.js';

const conn = {} as Connection;

function answer(req: RemotingCommand, code: number): RemotingCommand {
  return { ...req, code, flag: 1 };
}

describe('RpcLatency', () => {
  it('times each answer under its request and response code', async () => {
    let t = 0;
    const rpc = new RpcLatency(() => t);
    const send = createRequest(RequestCode.SEND_MESSAGE_V2, 1);
    const pull = createRequest(RequestCode.PULL_MESSAGE, 2);
    // install() wraps what is registered after it: the sync processor goes in that way.
    const registered = new Map<number, RequestProcessor>();
    const server = { registerProcessor: (c: number, p: RequestProcessor) => registered.set(c, p) };
    rpc.install(server);
    server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (req) => {
      t += 4;
      return answer(req, ResponseCode.SUCCESS);
    });
    const sync = registered.get(RequestCode.SEND_MESSAGE_V2) as RequestProcessor;
    const async = rpc.wrap(async (req) => {
      t += 150;
      return answer(req, ResponseCode.PULL_NOT_FOUND);
    });
    const failing = rpc.wrap(() => {
      t += 2;
      throw new RequestValidationError(ResponseCode.TOPIC_NOT_EXIST, 'no topic');
    });
    const parked = rpc.wrap(() => null);
    await sync(send, conn);
    await async(pull, conn);
    expect(() => failing(send, conn)).toThrow(RequestValidationError);
    expect(parked(pull, conn)).toBeNull();
    const samples = rpc.read();
    const count = (request: string, response: string) =>
      samples.find(
        (s) =>
          s.metricName === 'rocketmq_rpc_latency_count' &&
          s.labels.request_code === request &&
          s.labels.response_code === response,
      );
    expect(count('send_message_v2', 'success')?.value).toBe(1);
    expect(count('pull_message', 'pull_not_found')?.value).toBe(1);
    const failed = count('send_message_v2', 'topic_not_exist');
    expect(failed?.labels.result).toBe('process_request_failed');
    expect(samples.filter((s) => s.metricName === 'rocketmq_rpc_latency_count')).toHaveLength(3);
    const le = (v: number) =>
      samples.find((s) => s.labels.request_code === 'pull_message' && s.labels.le === v)?.value;
    expect(le(100)).toBe(0);
    expect(le(1000)).toBe(1);
  });
});

describe('RpcLatency of parked requests', () => {
  it('times a parked pull from dispatch to its later answer, once, as long polling', () => {
    let t = 0;
    const rpc = new RpcLatency(() => t);
    const parked = rpc.wrap(() => null);
    const pull = createRequest(RequestCode.PULL_MESSAGE, 7);
    expect(parked(pull, conn)).toBeNull();
    expect(rpc.read()).toEqual([]);
    t += 1500;
    rpc.answeredLater(pull, ResponseCode.SUCCESS);
    rpc.answeredLater(pull, ResponseCode.SUCCESS);
    rpc.answeredLater(createRequest(RequestCode.PULL_MESSAGE, 8), ResponseCode.SUCCESS);
    const counts = rpc.read().filter((s) => s.metricName === 'rocketmq_rpc_latency_count');
    expect(counts).toHaveLength(1);
    expect(counts[0]?.value).toBe(1);
    expect(counts[0]?.labels).toMatchObject({
      request_code: 'pull_message',
      response_code: 'success',
      is_long_polling: 'true',
      result: 'success',
    });
    const sum = rpc.read().find((s) => s.metricName === 'rocketmq_rpc_latency_sum');
    expect(sum?.value).toBe(1500);
  });

  it('labels a parked pull whose re-run failed, and never parks a oneway request', async () => {
    let t = 0;
    const rpc = new RpcLatency(() => t);
    const parked = rpc.wrap(async () => null);
    const pull = createRequest(RequestCode.PULL_MESSAGE, 9);
    await parked(pull, conn);
    t += 20;
    rpc.answeredLater(pull, ResponseCode.SYSTEM_ERROR, true);
    const oneway = { ...createRequest(RequestCode.PULL_MESSAGE, 10), flag: 2 };
    await parked(oneway, conn);
    rpc.answeredLater(oneway, ResponseCode.SUCCESS);
    const counts = rpc.read().filter((s) => s.metricName === 'rocketmq_rpc_latency_count');
    expect(counts.map((s) => [s.labels.response_code, s.labels.result])).toEqual([
      ['system_error', 'process_request_failed'],
    ]);
  });
});

describe('BucketHistogram', () => {
  it('renders cumulative buckets, +Inf, sum and count per key', () => {
    const h = new BucketHistogram<string>([1, 10]);
    for (const v of [0.5, 1, 5, 50]) h.observe('a', v);
    const s = h.samples('x', (k) => ({ k }));
    expect(s.map((x) => [x.metricName, x.labels.le, x.value])).toEqual([
      ['x_bucket', 1, 2],
      ['x_bucket', 10, 3],
      ['x_bucket', '+Inf', 4],
      ['x_sum', undefined, 56.5],
      ['x_count', undefined, 4],
    ]);
  });
});
