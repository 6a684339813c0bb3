// Our SDK's clients as integration tests use them: a started producer in a fresh group, a batch
// of messages sent through a short-lived one, push consumers (errors kept, or dropped), and
// whether a name server routes a topic to a broker.
//
//   await sendMessages(cluster.namesrvAddr, numbered(topic, 0, 20));   // m0..m19, in order
//   const c = pushConsumer(cluster.namesrvAddr, group, { messageModel: 'BROADCASTING' });
import { AdminClient } from '../../src/client/admin.js';
import { type Message, Producer, type ProducerOptions } from '../../src/client/producer.js';
import { PushConsumer, type PushConsumerOptions } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';
import { uniqueName } from './names.js';

const logger = silentLogger();

/** A started producer in a fresh producer group, logging nothing. */
export async function startProducer(
  namesrvAddr: string,
  opts: Partial<ProducerOptions> = {},
): Promise<Producer> {
  const p = new Producer({ namesrvAddr, producerGroup: uniqueName('PG'), logger, ...opts });
  await p.start();
  return p;
}

/** Sends msgs one after another through a producer started for them, then shuts it down. */
export async function sendMessages(namesrvAddr: string, msgs: Iterable<Message>): Promise<void> {
  const p = await startProducer(namesrvAddr);
  try {
    for (const m of msgs) await p.send(m);
  } finally {
    await p.shutdown();
  }
}

/** Messages m<from>..m<from+n-1> to topic; extra(i) adds fields (tags, properties) to each. */
export function numbered(
  topic: string,
  from: number,
  n: number,
  extra: (i: number) => Partial<Message> = () => ({}),
): Message[] {
  return Array.from({ length: n }, (_, k) => ({ topic, body: `m${from + k}`, ...extra(from + k) }));
}

/** A push consumer (not started) in group; an 'error' event it emits fails the test. */
export function pushConsumer(
  namesrvAddr: string,
  consumerGroup: string,
  opts: Partial<PushConsumerOptions> = {},
): PushConsumer {
  return new PushConsumer({ namesrvAddr, consumerGroup, logger, ...opts });
}

/** pushConsumer() whose 'error' events are dropped (a test that expects failed consumption). */
export function quietPushConsumer(
  namesrvAddr: string,
  consumerGroup: string,
  opts: Partial<PushConsumerOptions> = {},
): PushConsumer {
  const c = pushConsumer(namesrvAddr, consumerGroup, opts);
  c.on('error', () => {});
  return c;
}

/**
 * Whether a new client of namesrvAddr finds a route for topic through brokerAddr (as master); a
 * lookup that fails (no route, or no name server answering) is false.
 */
export async function routesTo(
  namesrvAddr: string,
  topic: string,
  brokerAddr: string,
): Promise<boolean> {
  const admin = new AdminClient({ namesrvAddr, logger });
  try {
    const route = await admin.getTopicRoute(topic);
    return route.brokerDatas.some((b) => b.brokerAddrs['0'] === brokerAddr);
  } catch {
    return false;
  } finally {
    admin.close();
  }
}
