// A push consumer in its own process, so a test can kill it (SIGKILL: no unregister, no final
// offset commit) like a crashed member. Prints "ready" once started, then one line per message
// body received.   node --import tsx test/harness/consumer-child.ts <namesrv> <group> <topic>
import { PushConsumer } from '../../src/client/push-consumer.js';
import { silentLogger } from '../../src/common/logger.js';

const [namesrvAddr = '', consumerGroup = '', topic = ''] = process.argv.slice(2);
const c = new PushConsumer({
  namesrvAddr,
  consumerGroup,
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  logger: silentLogger(),
});
c.on('error', () => {});
c.subscribe(topic, '*').registerMessageListener((msgs) => {
  for (const m of msgs) process.stdout.write(`${m.body.toString()}\n`);
  return 'CONSUME_SUCCESS';
});
await c.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void c.shutdown().then(() => process.exit(0));
});
