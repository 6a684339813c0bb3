// The Java client's transaction, replayed byte for byte over a raw socket: the frames of
// src/protocol/golden/java-4.9.8-transaction.json (header text derived from the 4.9.8 client's
// source, not from our codecs): HEART_BEAT with the producer group, SEND_MESSAGE_V2 of a half
// message, the one-way END_TRANSACTION after the local transaction (COMMIT for the first half,
// UNKNOW for the second), and the one-way END_TRANSACTION with fromTransactionCheck=true that
// answers the broker's CHECK_TRANSACTION_STATE. Our decoders only read what the broker sends.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MessageExt, MessageSysFlag } from '../../src/message/message.js';
import { decodeRecord } from '../../src/message/record-codec.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import {
  decodeCommand,
  isResponse,
  type RemotingCommand,
} from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';

interface JavaTransaction {
  heartBeat: { header: string; body: string };
  halves: { header: string; body: string; uniqKey: string; queueId: number }[];
  endHeader: string;
}
const golden = JSON.parse(
  readFileSync(
    new URL('../../src/protocol/golden/java-4.9.8-transaction.json', import.meta.url),
    'utf8',
  ),
) as JavaTransaction & { hex: string };

const TOPIC = 'JavaTxTopic';
const WAIT_MS = 30_000;
// Small check timings so the check-back comes within the test; the test waits for its effect.
const cluster = useCluster({
  brokerConfig: { transactionTimeOut: 100, transactionCheckInterval: 200 },
  topics: [{ name: TOPIC, queues: 4 }],
});

/** A whole frame, JSON header (serialize type 0), as RemotingCommand#encode lays it out. */
function frame(header: string, body = ''): Buffer {
  const h = Buffer.from(header, 'utf8');
  const b = Buffer.from(body, 'utf8');
  const out = Buffer.alloc(8);
  out.writeInt32BE(4 + h.length + b.length, 0);
  out.writeInt32BE(h.length, 4);
  return Buffer.concat([out, h, b]);
}

function endHeader(slots: Record<string, string | number>): string {
  return golden.endHeader.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = slots[k];
    if (v === undefined) throw new Error(`no value for {${k}}`);
    return String(v);
  });
}

let socket: Socket;
const received: RemotingCommand[] = [];

beforeAll(async () => {
  socket = await new Promise<Socket>((resolve, reject) => {
    const [host, port] = cluster.brokerAddr.split(':');
    const s = connect(Number(port), host!, () => resolve(s));
    s.once('error', reject);
  });
  const decoder = new FrameDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const f of decoder.push(chunk)) received.push(decodeCommand(f));
  });
});
afterAll(() => socket?.destroy());

async function answerTo(opaque: number): Promise<RemotingCommand> {
  const got = await pollUntil(
    () => received.find((c) => isResponse(c) && c.opaque === opaque),
    (c) => c !== undefined,
    WAIT_MS,
  );
  expect(got, `the answer to opaque ${opaque}`).toBeDefined();
  return got!;
}

async function pulled(queueId: number): Promise<MessageExt[]> {
  return pollUntil(
    async () =>
      (await cluster.raw.pull(TOPIC, 'JavaTxReader', queueId, 0, { subscription: '*' })).msgs,
    (msgs) => msgs.length > 0,
    WAIT_MS,
  );
}

describe("the Java 4.9.8 client's transaction, byte for byte", () => {
  it('commits, and resolves an UNKNOW through the check-back it answers', async () => {
    expect(frame(golden.halves[0]!.header, golden.halves[0]!.body).toString('hex')).toBe(
      golden.hex,
    );
    socket.write(frame(golden.heartBeat.header, golden.heartBeat.body));
    expect((await answerTo(1)).code).toBe(ResponseCode.SUCCESS);

    // Half 1, then its one-way COMMIT as DefaultMQProducerImpl#endTransaction fills it.
    const [first, second] = golden.halves;
    socket.write(frame(first!.header, first!.body));
    const sent = await answerTo(2);
    expect(sent.code, sent.remark).toBe(ResponseCode.SUCCESS);
    expect(sent.extFields).toMatchObject({ queueId: '1', transactionId: first!.uniqKey });
    const commitLogOffset = BigInt(`0x${sent.extFields.msgId!.slice(-16)}`).toString();
    socket.write(
      frame(
        endHeader({
          bname: 'broker-a',
          commitLogOffset,
          msgId: first!.uniqKey,
          tranStateTableOffset: sent.extFields.queueOffset!,
          commitOrRollback: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
          transactionId: sent.extFields.transactionId!,
          fromTransactionCheck: 'false',
          opaque: 3,
        }),
      ),
    );
    const [delivered, ...more] = await pulled(1);
    expect(more).toEqual([]);
    expect(delivered!.body.toString()).toBe(first!.body);
    expect(delivered!.preparedTransactionOffset).toBe(Number(commitLogOffset));
    expect(delivered!.sysFlag & 0xc).toBe(MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(delivered!.properties).toMatchObject({
      UNIQ_KEY: first!.uniqKey,
      KEYS: 'order-1',
      TAGS: 'TagA',
      PGROUP: 'JavaTxGroup',
    });
    expect(delivered!.properties.TRAN_MSG).toBeUndefined();

    // Half 2, its local transaction UNKNOW: END_TRANSACTION with commitOrRollback 0.
    socket.write(frame(second!.header, second!.body));
    const sent2 = await answerTo(4);
    expect(sent2.code, sent2.remark).toBe(ResponseCode.SUCCESS);
    socket.write(
      frame(
        endHeader({
          bname: 'broker-a',
          commitLogOffset: BigInt(`0x${sent2.extFields.msgId!.slice(-16)}`).toString(),
          msgId: second!.uniqKey,
          tranStateTableOffset: sent2.extFields.queueOffset!,
          commitOrRollback: MessageSysFlag.TRANSACTION_NOT_TYPE,
          transactionId: sent2.extFields.transactionId!,
          fromTransactionCheck: 'false',
          opaque: 5,
        }),
      ),
    );
    const check = await pollUntil(
      // The first half may be checked too, if a round came before its END_TRANSACTION did.
      () =>
        received.find(
          (c) =>
            c.code === RequestCode.CHECK_TRANSACTION_STATE &&
            !isResponse(c) &&
            c.extFields.transactionId === second!.uniqKey,
        ),
      (c) => c !== undefined,
      WAIT_MS,
    );
    expect(check, 'a CHECK_TRANSACTION_STATE').toBeDefined();
    const ext = check!.extFields;
    expect(ext).toMatchObject({
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      msgId: second!.uniqKey,
      transactionId: second!.uniqKey,
      bname: 'broker-a',
    });
    // DefaultMQProducerImpl#checkTransactionState: offsets and bname from the check's header,
    // msgId the UNIQ_KEY of the message in its body.
    const checked = decodeRecord(check!.body!, 0);
    expect(checked.topic).toBe(TOPIC);
    socket.write(
      frame(
        endHeader({
          bname: ext.bname!,
          commitLogOffset: ext.commitLogOffset!,
          msgId: checked.properties.UNIQ_KEY!,
          tranStateTableOffset: ext.tranStateTableOffset!,
          commitOrRollback: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
          transactionId: ext.transactionId!,
          fromTransactionCheck: 'true',
          opaque: 6,
        }),
      ),
    );
    const [resolved, ...extra] = await pulled(2);
    expect(extra).toEqual([]);
    expect(resolved!.body.toString()).toBe(second!.body);
    expect(resolved!.properties.UNIQ_KEY).toBe(second!.uniqKey);
    // One-way requests are never answered.
    expect(received.filter((c) => isResponse(c) && [3, 5, 6].includes(c.opaque))).toEqual([]);
  });
});
