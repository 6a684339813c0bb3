// Small helpers shared by integration tests: create a topic on a broker and wait until the name
// server routes it; poll a condition with a deadline that names what was awaited.
import { silentLogger } from '../../src/common/logger.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';

export async function createTopic(
  brokerAddr: string,
  namesrvAddr: string,
  topic: string,
  queues = 4,
): Promise<void> {
  const c = new RemotingClient(silentLogger());
  try {
    const r = await c.invoke(
      brokerAddr,
      createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, 0, {
        topic,
        defaultTopic: 'TBW102',
        readQueueNums: queues,
        writeQueueNums: queues,
        perm: 6,
        topicFilterType: 'SINGLE_TAG',
        topicSysFlag: 0,
        order: false,
      }),
    );
    if (r.code !== 0) throw new Error(`creating ${topic} failed: ${r.code} ${r.remark ?? ''}`);
    // The broker pushes a new topic to the name server at once; clients need the route.
    await waitForAsync(
      async () => {
        const route = await c.invoke(
          namesrvAddr,
          createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic }),
        );
        return route.code === 0;
      },
      10_000,
      `a route for ${topic}`,
    );
  } finally {
    c.close();
  }
}

export async function waitForAsync(
  cond: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return waitForAsync(async () => cond(), timeoutMs, what);
}
