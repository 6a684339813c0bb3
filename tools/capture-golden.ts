// Regenerates the golden byte vectors in src/protocol/golden/ (STYLE.md principle 1).
//   npx tsx tools/capture-golden.ts [outDir]     (outDir defaults to src/protocol/golden/)
//
// Three kinds of fixture, each JSON file saying where its bytes came from:
//  * ali-ons-*.json       ali-ons 3.12 encodes a request with its own RemotingCommand (fixed opaque
//                         and timestamps, so reruns give the same bytes): golden/encoder-cases.ts.
//  * ali-ons-wire-*.json  a real ali-ons Producer and Consumer run against a recording loopback
//                         server; the frames are the raw bytes read from the socket
//                         (golden/live.ts).
//  * spec-*.json, batch-*.json, record-*.json  the worked examples of the remoting spec, a batch
//                         body assembled by hand from MessageDecoder#encodeMessage's layout
//                         (golden/spec-vectors.ts), and stored records we encode, together with
//                         what ali-ons decodes from them (golden/record-decode.ts, golden/live.ts).
//  * java-binary-*.json, go-binary-*.json  ROCKETMQ binary header frames laid out field by field
//                         as RocketMQSerializable writes them (golden/rocketmq-binary-vectors.ts).
// Tests read the fixtures; they never run this script.
import { mkdirSync } from 'node:fs';
import { captureEncoderCases } from './golden/encoder-cases.js';
import { captureLive } from './golden/live.js';
import { OUT_DIR } from './golden/out.js';
import { captureRecordDecode } from './golden/record-decode.js';
import { captureRocketMQBinaryVectors } from './golden/rocketmq-binary-vectors.js';
import { captureSpecVectors } from './golden/spec-vectors.js';

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  captureEncoderCases();
  captureRecordDecode();
  captureSpecVectors();
  captureRocketMQBinaryVectors();
  await captureLive();
}

await main();
