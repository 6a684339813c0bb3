// Client tests of a replica set: routes naming a master and a slave, and loopback peers that
// record what reaches them and answer heartbeats, offsets, consumer lists and pulls (each pull
// NOT_FOUND at the offset asked, suggesting the broker id the test sets).
import { silentLogger } from '../../common/logger.js';
import { encodeTopicRouteData, type TopicRouteData } from '../../protocol/bodies/route-data.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { RemotingServer } from '../../remoting/remoting-server.js';

/** A route whose broker names have the given members (brokerId → address), two queues each. */
export function routeOf(sets: Record<string, Record<string, string>>): TopicRouteData {
  return {
    brokerDatas: Object.entries(sets).map(([brokerName, brokerAddrs]) => ({
      brokerName,
      brokerAddrs,
      cluster: 'c',
    })),
    filterServerTable: {},
    queueDatas: Object.keys(sets).map((brokerName) => ({
      brokerName,
      perm: 6,
      readQueueNums: 2,
      writeQueueNums: 2,
      topicSysFlag: 0,
    })),
  };
}

export interface RecordingPeer {
  addr: string;
  received: RemotingCommand[];
  /** What this peer's pull answers suggest. */
  suggest: number;
  /** The committed offsets it holds, by queueId. */
  offsets: Map<number, number>;
  /** What it answers GET_ROUTEINFO_BY_TOPIC with, playing the name server (TOPIC_NOT_EXIST). */
  route: TopicRouteData | undefined;
  of(code: number): RemotingCommand[];
  close(): Promise<void>;
}

export async function startRecordingPeer(): Promise<RecordingPeer> {
  const server = new RemotingServer(silentLogger());
  const port = await server.listen(0, '127.0.0.1');
  const peer: RecordingPeer = {
    addr: `127.0.0.1:${port}`,
    received: [],
    suggest: 0,
    offsets: new Map(),
    route: undefined,
    of: (code) => peer.received.filter((c) => c.code === code),
    close: () => server.close(),
  };
  const answer = (req: RemotingCommand): RemotingCommand => {
    peer.received.push(req);
    const queueId = Number(req.extFields.queueId);
    switch (req.code) {
      case RequestCode.UPDATE_CONSUMER_OFFSET:
        peer.offsets.set(queueId, Number(req.extFields.commitOffset));
        return createResponse(req, ResponseCode.SUCCESS);
      case RequestCode.QUERY_CONSUMER_OFFSET: {
        const offset = peer.offsets.get(queueId);
        if (offset === undefined) return createResponse(req, ResponseCode.QUERY_NOT_FOUND);
        return createResponseWithFields(req, ResponseCode.SUCCESS, undefined, {
          offset: String(offset),
        });
      }
      case RequestCode.PULL_MESSAGE:
        return createResponseWithFields(req, ResponseCode.PULL_NOT_FOUND, 'OFFSET_OVERFLOW_ONE', {
          suggestWhichBrokerId: String(peer.suggest),
          nextBeginOffset: req.extFields.queueOffset ?? '0',
          minOffset: '0',
          maxOffset: req.extFields.queueOffset ?? '0',
        });
      case RequestCode.GET_ROUTEINFO_BY_TOPIC:
        if (!peer.route) return createResponse(req, ResponseCode.TOPIC_NOT_EXIST, 'no route');
        return {
          ...createResponse(req, ResponseCode.SUCCESS),
          body: encodeTopicRouteData(peer.route, true),
        };
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
        return {
          ...createResponse(req, ResponseCode.SUCCESS),
          body: Buffer.from(JSON.stringify({ consumerIdList: [peer.addr] })),
        };
      default:
        return createResponse(req, ResponseCode.SUCCESS);
    }
  };
  server.registerProcessor(
    [
      RequestCode.HEART_BEAT,
      RequestCode.UPDATE_CONSUMER_OFFSET,
      RequestCode.QUERY_CONSUMER_OFFSET,
      RequestCode.PULL_MESSAGE,
      RequestCode.GET_CONSUMER_LIST_BY_GROUP,
      RequestCode.GET_ROUTEINFO_BY_TOPIC,
    ],
    answer,
  );
  return peer;
}

/** Reads get() until done(value) or the deadline; the last value read, for the caller's expect. */
export async function pollUntil<T>(
  get: () => T,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = get();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    value = get();
  }
  return value;
}
