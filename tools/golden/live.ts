// Live capture: a real ali-ons Producer and Consumer against a recording loopback server. The
// frames are the raw bytes read from the socket; the consumer is served records KiteMQ encodes,
// and what its listener receives is kept beside them.
import { silentLogger } from '../../src/common/logger.js';
import { createOffsetMsgId } from '../../src/message/message-id.js';
import { encodeRecord, setRecordPositions } from '../../src/message/record-codec.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import { createResponse, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { Connection } from '../../src/remoting/connection.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { type AliDecoded, Consumer, Message, Producer } from './ali-ons.js';
import { ALI_ONS_VERSION, write } from './out.js';

const RAW = '(raw bytes as read)';
const CONSUMER_VIEW_DESCRIPTION =
  'Stored records encoded by KiteMQ (record-codec.ts), served in a PULL_MESSAGE response to a ' +
  'real ali-ons Consumer; "delivered" is what its listener received';

interface Recorded {
  code: number;
  hex: string;
}

const LIVE_TOPIC = 'GoldenTopic';
const LIVE_BODY = '订单已支付 ✓ — order paid';

function routeBody(addr: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      brokerDatas: [
        { brokerAddrs: { 0: addr }, brokerName: 'broker-golden', cluster: 'DefaultCluster' },
      ],
      filterServerTable: {},
      queueDatas: [
        {
          brokerName: 'broker-golden',
          perm: 6,
          readQueueNums: 1,
          topicSysFlag: 0,
          writeQueueNums: 1,
        },
      ],
    }),
  );
}

/**
 * Two stored records served to the ali-ons consumer: one with a tag, keys and a property, and one
 * tagless.
 */
function servedRecords(): { bytes: Buffer; inputs: Record<string, unknown>[] } {
  const inputs: { topic: string; body: string; properties: Record<string, string> }[] = [
    {
      topic: LIVE_TOPIC,
      body: LIVE_BODY,
      properties: {
        TAGS: 'TagA',
        KEYS: 'k1 k2',
        颜色: '红色',
        UNIQ_KEY: '0A0000070000A0B1C2D3E4F500000001',
      },
    },
    { topic: LIVE_TOPIC, body: 'second', properties: { WAIT: 'true' } },
  ];
  const parts: Buffer[] = [];
  let physical = 4096;
  inputs.forEach((m, i) => {
    const rec = encodeRecord({
      topic: m.topic,
      queueId: 0,
      flag: 0,
      body: Buffer.from(m.body, 'utf8'),
      properties: m.properties,
      sysFlag: 0,
      bornTimestamp: 1700000000000 + i,
      bornHost: '10.0.0.7:51234',
      storeHost: '127.0.0.1:10911',
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    });
    setRecordPositions(rec.bytes, 0, rec.storeTimestampPos, i, physical, 1700000000500 + i);
    physical += rec.bytes.length;
    parts.push(rec.bytes);
  });
  return { bytes: Buffer.concat(parts), inputs };
}

function startRecordingServer(frames: Recorded[], records: Buffer, recordCount: number) {
  const server = new RemotingServer(silentLogger());
  const state = { addr: '', clientIds: new Set<string>(), served: false };
  server.on('connection', (conn: Connection) => {
    const tap = new FrameDecoder();
    conn.socket.on('data', (chunk: Buffer) => {
      for (const f of tap.push(chunk)) {
        const whole = Buffer.alloc(4 + f.length);
        whole.writeInt32BE(f.length, 0);
        f.copy(whole, 4);
        frames.push({ code: decodeCodeOf(whole), hex: whole.toString('hex') });
      }
    });
  });
  const ok = (req: RemotingCommand, ext: Record<string, string> = {}, body?: Buffer) =>
    createResponse(req, ResponseCode.SUCCESS, undefined, ext, body);
  server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) =>
    ok(req, {}, routeBody(state.addr)),
  );
  server.registerProcessor(RequestCode.HEART_BEAT, (req) => {
    const hb = JSON.parse(req.body?.toString('utf8') ?? '{}') as { clientID?: string };
    if (hb.clientID) state.clientIds.add(hb.clientID);
    return ok(req);
  });
  server.registerProcessor(RequestCode.UNREGISTER_CLIENT, (req) => ok(req));
  server.registerProcessor(RequestCode.SEND_MESSAGE_V2, (req) =>
    ok(req, {
      msgId: createOffsetMsgId('127.0.0.1:10911', 8192),
      queueId: req.extFields.e ?? '0',
      queueOffset: '0',
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: 'true',
    }),
  );
  server.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, (req) =>
    ok(req, {}, Buffer.from(JSON.stringify({ consumerIdList: [...state.clientIds] }))),
  );
  server.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, (req) => ok(req, { offset: '0' }));
  server.registerProcessor(RequestCode.GET_MAX_OFFSET, (req) => ok(req, { offset: '0' }));
  server.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, (req) => ok(req));
  server.registerProcessor(RequestCode.PULL_MESSAGE, async (req) => {
    const header = { minOffset: '0', maxOffset: String(recordCount), suggestWhichBrokerId: '0' };
    if (req.extFields.topic === LIVE_TOPIC && !state.served) {
      state.served = true;
      return ok(req, { ...header, nextBeginOffset: String(recordCount) }, records);
    }
    await new Promise((r) => setTimeout(r, 300));
    return createResponse(req, ResponseCode.PULL_NOT_FOUND, 'no new message', {
      ...header,
      nextBeginOffset: req.extFields.queueOffset ?? '0',
    });
  });
  return { server, state };
}

function decodeCodeOf(frame: Buffer): number {
  const headerLength = frame.readInt32BE(4) & 0xffffff;
  const header = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as { code: number };
  return header.code;
}

const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };

export async function captureLive(): Promise<void> {
  const frames: Recorded[] = [];
  const served = servedRecords();
  const { sendResult, delivered } = await runClients(frames, served);
  writeWireFrames(frames);
  writeConsumerView(served, sendResult.msgId, delivered);
}

/** A real ali-ons Producer sends one message, then a Consumer pulls the served records. */
async function runClients(
  frames: Recorded[],
  served: ReturnType<typeof servedRecords>,
): Promise<{ sendResult: { msgId: string }; delivered: AliDecoded[] }> {
  const { server, state } = startRecordingServer(frames, served.bytes, served.inputs.length);
  const port = await server.listen(0, '127.0.0.1');
  state.addr = `127.0.0.1:${port}`;
  const common = {
    nameSrv: state.addr,
    httpclient: {},
    logger: quietLogger,
    accessKeyId: '',
    accessKeySecret: '',
  };

  const producer = new Producer({ ...common, producerGroup: 'PID_GOLDEN_LIVE' });
  await producer.ready();
  const msg = new Message(LIVE_TOPIC, 'TagLive', LIVE_BODY);
  msg.keys = ['live-key'];
  const sendResult = await producer.send(msg);
  await producer.close();

  const delivered: AliDecoded[] = [];
  const consumer = new Consumer({
    ...common,
    consumerGroup: 'CID_GOLDEN_LIVE',
    rebalanceInterval: 500,
  });
  consumer.on('error', () => {});
  consumer.subscribe(LIVE_TOPIC, '*', async (m) => {
    delivered.push(m);
  });
  await consumer.ready();
  const deadline = Date.now() + 30_000;
  while (delivered.length < served.inputs.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  await consumer.close();
  await server.close();
  if (delivered.length < served.inputs.length) throw new Error('ali-ons consumer got no messages');

  return { sendResult, delivered };
}

function writeWireFrames(frames: Recorded[]): void {
  const firstOf = (code: number) => frames.find((f) => f.code === code);
  const wire: Record<string, Recorded | undefined> = {
    'send-message-v2': firstOf(RequestCode.SEND_MESSAGE_V2),
    'heart-beat': firstOf(RequestCode.HEART_BEAT),
    'get-route': firstOf(RequestCode.GET_ROUTEINFO_BY_TOPIC),
    'pull-message': firstOf(RequestCode.PULL_MESSAGE),
    'update-consumer-offset': firstOf(RequestCode.UPDATE_CONSUMER_OFFSET),
    'unregister-client': firstOf(RequestCode.UNREGISTER_CLIENT),
  };
  for (const [name, f] of Object.entries(wire)) {
    if (!f) throw new Error(`ali-ons sent no ${name} frame`);
    write(`ali-ons-wire-${name}.json`, {
      description: `First ${name} frame a real ali-ons client wrote to a loopback socket ${RAW}`,
      source: `ali-ons ${ALI_ONS_VERSION} Producer/Consumer, recorded by tools/capture-golden.ts`,
      hex: f.hex,
      expect: {
        code: f.code,
        topic: LIVE_TOPIC,
        producerGroup: 'PID_GOLDEN_LIVE',
        consumerGroup: 'CID_GOLDEN_LIVE',
        tag: 'TagLive',
        key: 'live-key',
        bodyUtf8: LIVE_BODY,
      },
    });
  }
}

function writeConsumerView(
  served: ReturnType<typeof servedRecords>,
  sendResultMsgId: string,
  delivered: AliDecoded[],
): void {
  write('record-ali-ons-consumer-view.json', {
    description: CONSUMER_VIEW_DESCRIPTION,
    source: `KiteMQ encodeRecord; ali-ons ${ALI_ONS_VERSION} MQPushConsumer over loopback`,
    hex: served.bytes.toString('hex'),
    inputs: served.inputs,
    sendResultMsgId,
    delivered: delivered.map((m) => ({
      msgId: m.msgId,
      topic: m.topic,
      tags: m.tags,
      keys: m.properties.KEYS ?? null,
      properties: m.properties,
      bodyUtf8: m.body?.toString('utf8') ?? null,
      queueOffset: m.queueOffset,
      commitLogOffset: m.commitLogOffset,
      bornHost: m.bornHost,
      storeHost: m.storeHost,
    })),
  });
}
