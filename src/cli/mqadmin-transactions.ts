// mqadmin's transaction subcommands (KiteMQ's; RocketMQ 5's tools have resumeCheckHalfMessage):
//   queryHalfMsg -n <ns> (-b <brokerAddr> | -c <cluster>) [-t <topic>] [--json]
//   endHalfMsg -n <ns> [-b <brokerAddr> | -c <cluster>] [-t <topic>] -i <transactionId>
//     (--commit | --rollback)
//   resumeCheckHalfMessage -n <ns> -i <msgId> [-t <topic>] [-b <brokerAddr>]
// resumeCheckHalfMessage finds the broker in the offset msgId (its store host) unless -b is given.
// endHalfMsg without -b asks the masters (of -c's cluster, else of -t's route, else every one
// the name server knows) which one lists the transaction's half message, and ends it there.
import type { AdminClient } from '../client/admin.js';
import type { HalfMessageReport } from '../client/impl/transaction-admin.js';
import { decodeOffsetMsgId } from '../message/message-id.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import { need, type Subcommand } from './mqadmin-output.js';

export const TRANSACTION_HELP = `  queryHalfMsg      pending and discarded half messages and per-topic transaction counters:
                    -b <brokerAddr> | -c <cluster>, [-t <topic>] [--json]
  endHalfMsg        force a commit or rollback: -i <transactionId> --commit | --rollback,
                    [-b <brokerAddr> | -c <cluster>] [-t <topic>] (the broker is found if not given)
  resumeCheckHalfMessage  check a discarded half message again: -i <msgId> [-t <topic>]
                    [-b <brokerAddr>]`;

export const TRANSACTION_OPTIONS = {
  json: { type: 'boolean' },
  commit: { type: 'boolean' },
  rollback: { type: 'boolean' },
} as const;

async function brokers(admin: AdminClient, v: ParsedValues): Promise<string[]> {
  const addr = stringFlag(v, 'brokerAddr');
  if (addr) return [addr];
  const cluster = stringFlag(v, 'clusterName');
  if (!cluster) throw new UsageError('queryHalfMsg needs -b <brokerAddr> or -c <clusterName>');
  return admin.masterAddrs(cluster);
}

/** The masters -c names, else those of -t's route, else every master the name server knows. */
async function candidates(admin: AdminClient, v: ParsedValues): Promise<string[]> {
  const cluster = stringFlag(v, 'clusterName');
  if (cluster) return admin.masterAddrs(cluster);
  const topic = stringFlag(v, 'topic');
  if (topic) {
    const route = await admin.getTopicRoute(topic);
    return route.brokerDatas.map((b) => b.brokerAddrs['0']).filter((a) => a !== undefined);
  }
  const info = await admin.getClusterInfo();
  return Object.values(info.brokerAddrTable)
    .map((b) => b.brokerAddrs['0'])
    .filter((a) => a !== undefined);
}

/** The one master whose half messages (pending or discarded) include transaction `txId`. */
async function holderOf(admin: AdminClient, v: ParsedValues, txId: string): Promise<string> {
  const topic = stringFlag(v, 'topic');
  const addrs = await candidates(admin, v);
  const holders: string[] = [];
  for (const addr of addrs) {
    const r = await admin.queryHalfMessages(addr, topic);
    if (r.halfMessages.some((h) => h.transactionId === txId)) holders.push(addr);
  }
  if (holders.length === 1) return holders[0]!;
  if (holders.length === 0) {
    throw new Error(
      `no broker of ${addrs.join(', ') || '(none found)'} lists a pending or discarded half ` +
        `message of transaction ${txId}; give -b <brokerAddr> to end it on one broker`,
    );
  }
  throw new UsageError(
    `transaction ${txId} is listed on several brokers (${holders.join(', ')}); choose one with -b`,
  );
}

export const TRANSACTION_COMMANDS: Record<string, Subcommand> = {
  async queryHalfMsg(admin, v, out) {
    const topic = stringFlag(v, 'topic');
    const reports: Record<string, HalfMessageReport> = {};
    for (const addr of await brokers(admin, v)) {
      reports[addr] = await admin.queryHalfMessages(addr, topic);
    }
    if (v.json === true) {
      out.line('', reports);
      return;
    }
    const halves: (string | number)[][] = [
      [
        '#Broker',
        '#Topic',
        '#QID',
        '#Producer Group',
        '#Transaction ID',
        '#State',
        '#Age(s)',
        '#Checks',
        '#CommitLog Offset',
        '#Message ID',
      ],
    ];
    const counters: (string | number)[][] = [
      ['#Broker', '#Topic', '#Pending', '#Committed', '#Rolled Back', '#Discarded', '#Checks Sent'],
    ];
    for (const [addr, r] of Object.entries(reports)) {
      for (const m of r.halfMessages) {
        halves.push([
          addr,
          m.topic,
          m.queueId,
          m.producerGroup,
          m.transactionId,
          m.state,
          Math.floor(m.ageMs / 1000),
          m.checks,
          m.commitLogOffset,
          m.offsetMsgId,
        ]);
      }
      for (const c of r.counters) {
        counters.push([
          addr,
          c.topic,
          c.pending,
          c.committed,
          c.rolledBack,
          c.discarded,
          c.checksSent,
        ]);
      }
    }
    out.table(halves[0]!.map(String), halves.slice(1));
    out.line('');
    out.table(counters[0]!.map(String), counters.slice(1));
  },
  async endHalfMsg(admin, v, out) {
    const txId = need(v, 'msgId', 'i');
    if ((v.commit === true) === (v.rollback === true)) {
      throw new UsageError('endHalfMsg needs exactly one of --commit or --rollback');
    }
    const addr = stringFlag(v, 'brokerAddr') ?? (await holderOf(admin, v, txId));
    const commit = v.commit === true;
    const remark = await admin.endHalfMessage(addr, txId, commit);
    const what = commit ? 'committed' : 'rolled back';
    out.line(`transaction ${txId} ${what} on ${addr}${remark ? ` (${remark})` : ''}`, {
      transactionId: txId,
      brokerAddr: addr,
      decision: commit ? 'COMMIT' : 'ROLLBACK',
      remark: remark ?? '',
    });
  },
  async resumeCheckHalfMessage(admin, v, out) {
    const msgId = need(v, 'msgId', 'i');
    let addr = stringFlag(v, 'brokerAddr');
    if (!addr) {
      try {
        addr = decodeOffsetMsgId(msgId).storeHost;
      } catch {
        throw new UsageError(`-i must be an offset message id, got '${msgId}'`);
      }
    }
    const remark = await admin.resumeCheckHalfMessage(addr, msgId, stringFlag(v, 'topic'));
    out.line(`resume half message ${msgId} on ${addr} success${remark ? ` (${remark})` : ''}`, {
      msgId,
      brokerAddr: addr,
      remark: remark ?? '',
    });
  },
};
