// Golden frames ali-ons' own RemotingCommand encodes (fixed opaque and timestamps, so reruns give
// the same bytes): SEND_MESSAGE_V2 plain, tagless and signed, HEART_BEAT, PULL_MESSAGE,
// GET_ROUTEINFO_BY_TOPIC and a response.
import { RequestCode } from '../../src/protocol/request-code.js';
import {
  AliChannel,
  type AliMessage,
  AliRemotingCommand,
  aliSendHeader,
  ENCODER_SOURCE,
  encodeWithOpaque,
  Message,
} from './ali-ons.js';
import { write } from './out.js';

export function captureEncoderCases(): void {
  captureSend();
  captureSendVariants();
  captureHeartbeatAndPull();
  captureRouteAndResponse();
}

/** The message of the send cases: a UTF-8 body with CJK and an emoji, two keys, a property. */
function sampleMessage(): { body: string; msg: AliMessage } {
  const body = '你好，世界 — KiteMQ 订单 😀';
  const msg = new Message('TopicTest', 'TagA', body);
  msg.keys = ['order-1', 'order-2'];
  msg.properties.color = '红';
  return { body, msg };
}

function captureSend(): void {
  const { body, msg } = sampleMessage();
  const send = encodeWithOpaque(
    RequestCode.SEND_MESSAGE_V2,
    aliSendHeader(msg, 3, 1700000000000),
    42,
  );
  send.body = msg.body;
  write('ali-ons-send-message-v2.json', {
    description:
      'SEND_MESSAGE_V2 as ali-ons sends it: V2 single-letter keys, raw JSON numbers and booleans, properties with U+0001/U+0002, UTF-8 body',
    source: ENCODER_SOURCE,
    hex: send.encode().toString('hex'),
    expect: {
      code: 310,
      flag: 0,
      opaque: 42,
      language: 'JAVA',
      version: 121,
      extFields: {
        a: 'PID_GOLDEN',
        b: 'TopicTest',
        c: 'TBW102',
        d: '4',
        e: '3',
        f: '0',
        g: '1700000000000',
        h: '0',
        i: 'TAGS\u0001TagA\u0002KEYS\u0001order-1 order-2\u0002color\u0001红\u0002',
        j: '0',
        k: 'false',
      },
      bodyUtf8: body,
    },
  });
}

function captureSendVariants(): void {
  const { msg } = sampleMessage();
  const noTag = new Message('TopicTest', Buffer.from('no tag'));
  const sendNoTag = encodeWithOpaque(
    RequestCode.SEND_MESSAGE_V2,
    aliSendHeader(noTag, 0, 1700000000001),
    43,
  );
  sendNoTag.body = noTag.body;
  write('ali-ons-send-message-v2-no-tag.json', {
    description:
      'ali-ons new Message(topic, body) without a tag: TAGS is the literal string "null" (spec part 1 §5.4)',
    source: ENCODER_SOURCE,
    hex: sendNoTag.encode().toString('hex'),
    expect: {
      code: 310,
      flag: 0,
      opaque: 43,
      extFields: { b: 'TopicTest', e: '0', g: '1700000000001', i: 'TAGS\u0001null\u0002' },
      bodyUtf8: 'no tag',
    },
  });

  // Channel#beforeRequest adds the ACL keys and an HMAC signature when access keys are set.
  const signed = encodeWithOpaque(
    RequestCode.SEND_MESSAGE_V2,
    aliSendHeader(msg, 1, 1700000000002),
    44,
  );
  signed.body = msg.body;
  AliChannel.prototype.beforeRequest.call(
    { accessKey: 'golden-ak', secretKey: 'golden-sk', onsChannel: 'ALIYUN' },
    signed,
  );
  write('ali-ons-send-message-v2-signed.json', {
    description:
      'SEND_MESSAGE_V2 signed by ali-ons Channel#beforeRequest: extra AccessKey, OnsChannel, Signature keys the broker must ignore',
    source: `${ENCODER_SOURCE} after lib/channel.js Channel#beforeRequest`,
    hex: signed.encode().toString('hex'),
    expect: {
      code: 310,
      opaque: 44,
      extFields: {
        AccessKey: 'golden-ak',
        OnsChannel: 'ALIYUN',
        Signature: String(signed.extFields.Signature),
        e: '1',
      },
    },
  });
}

function captureHeartbeatAndPull(): void {
  const heartbeatData = {
    clientID: '10.0.0.7@1234',
    producerDataSet: [{ groupName: 'PID_GOLDEN' }, { groupName: 'CLIENT_INNER_PRODUCER' }],
    consumerDataSet: [],
  };
  const hb = encodeWithOpaque(RequestCode.HEART_BEAT, null, 45);
  hb.body = Buffer.from(JSON.stringify(heartbeatData));
  write('ali-ons-heart-beat.json', {
    description: 'HEART_BEAT as MQClientAPI#sendHearbeat builds it: no custom header, JSON body',
    source: ENCODER_SOURCE,
    hex: hb.encode().toString('hex'),
    expect: { code: 34, flag: 0, opaque: 45, extFields: {}, bodyJson: heartbeatData },
  });

  const pull = encodeWithOpaque(
    RequestCode.PULL_MESSAGE,
    {
      consumerGroup: 'CID_GOLDEN',
      topic: 'TopicTest',
      queueId: 2,
      queueOffset: 1024,
      maxMsgNums: 32,
      sysFlag: 6,
      commitOffset: 0,
      suspendTimeoutMillis: 15000,
      subscription: 'TagA || TagB',
      subVersion: 1700000000003,
    },
    46,
  );
  write('ali-ons-pull-message.json', {
    description:
      'PULL_MESSAGE as MQPushConsumer#pullKernelImpl builds it (numbers stay JSON numbers)',
    source: ENCODER_SOURCE,
    hex: pull.encode().toString('hex'),
    expect: {
      code: 11,
      flag: 0,
      opaque: 46,
      extFields: {
        consumerGroup: 'CID_GOLDEN',
        topic: 'TopicTest',
        queueId: '2',
        queueOffset: '1024',
        maxMsgNums: '32',
        sysFlag: '6',
        commitOffset: '0',
        suspendTimeoutMillis: '15000',
        subscription: 'TagA || TagB',
        subVersion: '1700000000003',
      },
    },
  });
}

function captureRouteAndResponse(): void {
  const route = encodeWithOpaque(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicTest' }, 47);
  write('ali-ons-get-route.json', {
    description: 'GET_ROUTEINFO_BY_TOPIC (ali-ons spells it GET_ROUTEINTO_BY_TOPIC)',
    source: ENCODER_SOURCE,
    hex: route.encode().toString('hex'),
    expect: { code: 105, flag: 0, opaque: 47, extFields: { topic: 'TopicTest' } },
  });

  const response = AliRemotingCommand.createResponseCommand(0, 48);
  write('ali-ons-response.json', {
    description:
      'A response built by RemotingCommand.createResponseCommand: flag 1 and a default remark',
    source: ENCODER_SOURCE,
    hex: response.encode().toString('hex'),
    expect: {
      code: 0,
      flag: 1,
      opaque: 48,
      remark: 'not set any response code',
      extFields: {},
    },
  });
}
