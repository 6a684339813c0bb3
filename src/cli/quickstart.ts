// kitemq producer / kitemq consumer: the quickstart tools (RocketMQ's tools.sh
// org.apache.rocketmq.example.quickstart.Producer / Consumer), printing each result.
//   kitemq producer -n <ns> -t <topic> [-c count=10] [-a tag=TagA] [-s bodySize]
//   kitemq consumer -n <ns> -t <topic> -g <group> [-e '*' | 'TagA || TagB']
import { Producer } from '../client/producer.js';
import { PushConsumer } from '../client/push-consumer.js';
import { silentLogger } from '../common/logger.js';
import {
  CLIENT_OPTIONS,
  parseCommandLine,
  requireNamesrv,
  stringFlag,
  UsageError,
} from './args.js';

const OPTIONS = {
  ...CLIENT_OPTIONS,
  count: { type: 'string', short: 'c' },
  tag: { type: 'string', short: 'a' },
  expression: { type: 'string', short: 'e' },
} as const;

function common(name: string, argv: readonly string[], help: string) {
  const v = parseCommandLine({ name, options: OPTIONS, help }, argv);
  if (v.help) return undefined;
  const namesrvAddr = requireNamesrv(v);
  const topic = stringFlag(v, 'topic');
  if (!topic) throw new UsageError(`missing -t <topic>; run ${name} -h`);
  return { v, namesrvAddr, topic };
}

async function guard(name: string, help: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof UsageError && err.message === 'help') console.log(help);
    else {
      console.error(`${name}: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

const PRODUCER_HELP =
  'Usage: kitemq producer -n <namesrv> -t <topic> [-c count=10] [-a tag=TagA] [-g group]';

export async function producerMain(
  argv: readonly string[],
  name = 'kitemq producer',
): Promise<void> {
  await guard(name, PRODUCER_HELP, async () => {
    const c = common(name, argv, PRODUCER_HELP);
    if (!c) return console.log(PRODUCER_HELP);
    const count = Number(stringFlag(c.v, 'count') ?? 10);
    const group = stringFlag(c.v, 'group') ?? 'please_rename_unique_group_name';
    const producer = new Producer({
      namesrvAddr: c.namesrvAddr,
      producerGroup: group,
      logger: silentLogger(),
    });
    await producer.start();
    try {
      for (let i = 0; i < count; i++) {
        const r = await producer.send({
          topic: c.topic,
          tags: stringFlag(c.v, 'tag') ?? 'TagA',
          body: `Hello KiteMQ ${i}`,
        });
        console.log(
          `SendResult [sendStatus=${r.sendStatus}, msgId=${r.msgId}, offsetMsgId=${r.offsetMsgId}, ` +
            `messageQueue=[topic=${r.messageQueue.topic}, brokerName=${r.messageQueue.brokerName}, ` +
            `queueId=${r.messageQueue.queueId}], queueOffset=${r.queueOffset}]`,
        );
      }
    } finally {
      await producer.shutdown();
    }
  });
}

const CONSUMER_HELP =
  "Usage: kitemq consumer -n <namesrv> -t <topic> -g <group> [-e '*' | 'TagA || TagB']";

export async function consumerMain(
  argv: readonly string[],
  name = 'kitemq consumer',
): Promise<void> {
  await guard(name, CONSUMER_HELP, async () => {
    const c = common(name, argv, CONSUMER_HELP);
    if (!c) return console.log(CONSUMER_HELP);
    const group = stringFlag(c.v, 'group');
    if (!group) throw new UsageError(`missing -g <group>; run ${name} -h`);
    const consumer = new PushConsumer({
      namesrvAddr: c.namesrvAddr,
      consumerGroup: group,
      logger: silentLogger(),
    });
    consumer.on('error', (err) => console.error(`${name}: ${err.message}`));
    consumer
      .subscribe(c.topic, stringFlag(c.v, 'expression') ?? '*')
      .registerMessageListener((msgs) => {
        for (const m of msgs) {
          console.log(
            `Receive New Messages: queueId=${m.queueId}, queueOffset=${m.queueOffset}, tags=${m.properties.TAGS ?? ''}, ` +
              `msgId=${m.properties.UNIQ_KEY ?? m.offsetMsgId}, body=${m.body.toString('utf8')}`,
          );
        }
        return 'CONSUME_SUCCESS';
      });
    await consumer.start();
    console.log('Consumer Started. Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await consumer.shutdown();
  });
}
