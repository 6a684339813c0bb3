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
    // The debit and its COMMIT happen in one step, so a transaction the broker asks about
    // (after transactionTimeOut) whose debit is not in the file never happened.
    checkLocalTransaction(msg) {
      return ledger.byTransaction.has(msg.transactionId) ? 'COMMIT' : 'ROLLBACK';
    },
  },
});
await producer.start();
process.stdout.write('ready\n');
for (let i = Number(first); i < Number(first) + Number(count); i++) {
  const transfer = { transferId: `t${i}`, amount: 1 + (i % 7) };
  await producer.send({ topic, body: JSON.stringify(transfer) });
  process.stdout.write(`sent ${transfer.transferId}\n`);
}
process.stdout.write('done\n');
// Stay up to answer check-backs until told to stop.
process.once('SIGTERM', () => {
  void producer.shutdown().then(() => process.exit(0));
});
