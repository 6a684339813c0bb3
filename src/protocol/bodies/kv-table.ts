// KVTable {"table":{key:value}}, every value a string: GET_BROKER_RUNTIME_INFO's body (28,
// AdminBrokerProcessor#prepareRuntimeInfo) and GET_KVLIST_BY_NAMESPACE's (219,
// KVConfigManager#getKVListByNamespace). Java's table is a HashMap, written in its iteration
// order; the keys are written here in the order given (readers look keys up, never rely on order).
import { ProtocolError } from '../../common/errors.js';
import { objectField, parseObject } from './fastjson.js';

const WHAT = 'KVTable';

export function encodeKvTable(table: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(JSON.stringify({ table }), 'utf8');
}

export function decodeKvTable(body: Buffer | undefined): Record<string, string> {
  const table = objectField(parseObject(body, WHAT), 'table', WHAT);
  for (const [k, v] of Object.entries(table)) {
    if (typeof v !== 'string')
      throw new ProtocolError(`${WHAT} body: the value of ${k} is not a string`);
  }
  return table as Record<string, string>;
}
