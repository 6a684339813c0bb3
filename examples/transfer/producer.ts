// The bank of account A, in its own process so transfer.ts can kill -9 it anywhere.
// Each transfer is a transactional message (TransactionMQProducer#sendMessageInTransaction):
// the half message is stored first, then the local transaction debits A in a-debits.jsonl with
// the message's transactionId, fsynced, and only then returns COMMIT. A crash before the debit
// is durable leaves the half message unanswered; the broker's check-back then asks
// checkLocalTransaction, which answers from the same file: debited → COMMIT, not → ROLLBACK.
//   node --import tsx examples/transfer/producer.ts <namesrv> <topic> <dir> <first> <count>
import { join } from 'node:path';
import { TransactionProducer } from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { Ledger } from './ledger.js';

export const PRODUCER_GROUP = 'BankA';

const [namesrvAddr = '', topic = '', dir = '', first = '0', count = '0'] = process.argv.slice(2);
const ledger = new Ledger(join(dir, 'a-debits.jsonl'));
/** Transfers this process is sending now (send() not returned). */
const inFlight = new Set<string>();

const producer = new TransactionProducer({
  namesrvAddr,
  producerGroup: PRODUCER_GROUP,
  logger: silentLogger(),
  transactionListener: {
    executeLocalTransaction(msg) {
      const { transferId, amount } = JSON.parse(msg.body.toString());
      ledger.append({ transactionId: msg.transactionId, transferId, amount });
      return 'COMMIT';
    },
    // Debited: COMMIT. Not debited and still being sent by this process (a slow disk can hold
    // the debit past transactionTimeOut): UNKNOWN, ask again. Otherwise it was sent by a bank A
    // that died before its debit was durable, and never will be debited: ROLLBACK.
    checkLocalTransaction(msg) {
      if (ledger.byTransaction.has(msg.transactionId)) return 'COMMIT';
      return inFlight.has(JSON.parse(msg.body.toString()).transferId) ? 'UNKNOWN' : 'ROLLBACK';
    },
  },
});
await producer.start();
process.stdout.write('ready\n');
for (let i = Number(first); i < Number(first) + Number(count); i++) {
  const transfer = { transferId: `t${i}`, amount: 1 + (i % 7) };
  inFlight.add(transfer.transferId);
  await producer.send({ topic, body: JSON.stringify(transfer) });
  inFlight.delete(transfer.transferId);
  process.stdout.write(`sent ${transfer.transferId}\n`);
}
process.stdout.write('done\n');
// Stay up to answer check-backs until told to stop.
process.once('SIGTERM', () => {
  void producer.shutdown().then(() => process.exit(0));
});
