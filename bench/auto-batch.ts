// "(a, autoBatch)": (a)'s workload (1 KiB bodies, 1,000 sends in flight) through a producer made
// with autoBatch: true, so concurrent sends go as SEND_BATCH_MESSAGE requests (Java 5.1's
// ProduceAccumulator; the defaults: 10 ms, 32 KiB). A row beside (a) for comparison; the
// headline rows keep the plain producer.
import { destName, PIPELINE_INFLIGHT } from './core.js';
import { KiteMQDriver, type KiteMQDriverOptions } from './kitemq-driver.js';
import { type BenchRow, fmtMs, int, verdict } from './report.js';
import { pctMs, pipelined, type SendRun } from './workload.js';

export const AUTO_BATCH_SCENARIO = '(a, autoBatch) pipelined sends, 1,000 in flight, autoBatch on';

export async function autoBatchRow(
  target: KiteMQDriverOptions,
  count: number,
  plain: SendRun | undefined,
): Promise<BenchRow> {
  const d = await KiteMQDriver.connect({ ...target, autoBatch: true });
  let r: SendRun;
  try {
    const topic = destName('BenchAB');
    await d.prepare(topic);
    console.error(`bench: KiteMQ (a, autoBatch) ${count} sends, ${PIPELINE_INFLIGHT} in flight`);
    r = await pipelined(d, topic, count, PIPELINE_INFLIGHT);
  } finally {
    await d.close();
  }
  const vsPlain = plain ? `, ×${(r.rate / plain.rate).toFixed(2)} of (a)` : '';
  return {
    scenario: AUTO_BATCH_SCENARIO,
    durability: target.durability,
    figure:
      `${int(r.rate)} msg/s (p50 ${fmtMs(pctMs(r.h, 50))}, p99 ${fmtMs(pctMs(r.h, 99))})` +
      `${vsPlain}${r.errors ? `, ${r.errors} failed` : ''}`,
    target: '≥ 80,000 msg/s',
    verdict: verdict(r.rate, 80_000, true),
  };
}
