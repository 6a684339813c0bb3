// Name-server admin calls (DefaultMQAdminExtImpl, RocketMQ 5.x): config, KV config and the write
// perm of a broker are asked of every name server in -n, one answer each, as Java's tools do;
// a name server that refuses is reported, the others still answer. QUERY_TOPIC_CONSUME_BY_WHO
// (300) goes to a broker and is used by `topicList -c`.
import { parseProperties } from '../common/properties.js';
import { decodeGroupList } from '../protocol/bodies/group-admin.js';
import { decodeTopicList } from '../protocol/bodies/topic-list.js';
import { createRequest, type RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode, responseCodeName } from '../protocol/response-code.js';
import type { AdminClient } from './admin.js';
import { MQClientError } from './errors.js';

export { NAMESPACE_ORDER_TOPIC_CONFIG } from '../protocol/bodies/route-data.js';

/** One name server's answer: its address and either the value or why it failed. */
export type PerNamesrv<T> = { namesrv: string } & (
  | { ok: true; value: T }
  | { ok: false; error: string }
);

/** A name server's refusal: its code and remark (MQBrokerError would name it a broker). */
function refused(res: RemotingCommand): MQClientError {
  return new MQClientError(
    `${res.remark ?? ''} (CODE: ${res.code} ${responseCodeName(res.code)})`,
    {
      responseCode: res.code,
    },
  );
}

async function invoke(admin: AdminClient, addr: string, cmd: RemotingCommand) {
  const res = await admin.instance.remoting.invoke(addr, cmd);
  if (res.code !== ResponseCode.SUCCESS) throw refused(res);
  return res;
}

async function eachNamesrv<T>(
  admin: AdminClient,
  call: (addr: string) => Promise<T>,
): Promise<PerNamesrv<T>[]> {
  const out: PerNamesrv<T>[] = [];
  for (const namesrv of admin.instance.namesrvList) {
    try {
      out.push({ namesrv, ok: true, value: await call(namesrv) });
    } catch (err) {
      out.push({ namesrv, ok: false, error: (err as Error).message });
    }
  }
  return out;
}

/** Throws the first failure: for calls (put/delete) that must reach every name server. */
function allOk<T>(results: PerNamesrv<T>[]): T[] {
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw new Error(`name server ${failed.namesrv}: ${failed.error}`);
  return results.map((r) => (r.ok ? r.value : (undefined as T)));
}

/** GET_NAMESRV_CONFIG (319) of every name server, as key → value. */
export function getNamesrvConfig(
  admin: AdminClient,
): Promise<PerNamesrv<Record<string, string>>[]> {
  return eachNamesrv(admin, async (addr) => {
    const res = await invoke(admin, addr, createRequest(RequestCode.GET_NAMESRV_CONFIG, 0));
    const text = res.body?.toString('utf8') ?? '';
    return Object.fromEntries(parseProperties(text, addr).map((e) => [e.key, e.value]));
  });
}

/** UPDATE_NAMESRV_CONFIG (318) on every name server; throws the first refusal. */
export async function updateNamesrvConfig(
  admin: AdminClient,
  props: Readonly<Record<string, string>>,
): Promise<string[]> {
  const body = Buffer.from(
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    'utf8',
  );
  const results = await eachNamesrv(admin, async (addr) => {
    await invoke(admin, addr, createRequest(RequestCode.UPDATE_NAMESRV_CONFIG, 0, {}, body));
    return addr;
  });
  return allOk(results);
}

/** PUT_KV_CONFIG (100) on every name server (createAndUpdateKvConfig). */
export async function putKvConfig(
  admin: AdminClient,
  namespace: string,
  key: string,
  value: string,
): Promise<void> {
  const cmd = () => createRequest(RequestCode.PUT_KV_CONFIG, 0, { namespace, key, value });
  allOk(await eachNamesrv(admin, (addr) => invoke(admin, addr, cmd())));
}

/** DELETE_KV_CONFIG (102) on every name server. */
export async function deleteKvConfig(admin: AdminClient, namespace: string, key: string) {
  const cmd = () => createRequest(RequestCode.DELETE_KV_CONFIG, 0, { namespace, key });
  allOk(await eachNamesrv(admin, (addr) => invoke(admin, addr, cmd())));
}

/** GET_KV_CONFIG (101) from the first name server that answers; undefined when not set. */
export async function getKvConfig(
  admin: AdminClient,
  namespace: string,
  key: string,
): Promise<string | undefined> {
  const res = await admin.instance.invokeNamesrv(
    createRequest(RequestCode.GET_KV_CONFIG, 0, { namespace, key }),
  );
  if (res.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (res.code !== ResponseCode.SUCCESS) throw refused(res);
  return res.extFields.value;
}

/** WIPE_WRITE_PERM_OF_BROKER (205) / ADD_WRITE_PERM_OF_BROKER (327): topics changed per server. */
export function operateWritePerm(
  admin: AdminClient,
  brokerName: string,
  op: 'wipe' | 'add',
): Promise<PerNamesrv<number>[]> {
  const code =
    op === 'wipe' ? RequestCode.WIPE_WRITE_PERM_OF_BROKER : RequestCode.ADD_WRITE_PERM_OF_BROKER;
  const field = op === 'wipe' ? 'wipeTopicCount' : 'addTopicCount';
  return eachNamesrv(admin, async (addr) => {
    const res = await invoke(admin, addr, createRequest(code, 0, { brokerName }));
    return Number(res.extFields[field] ?? 0);
  });
}

/** GET_TOPICS_BY_CLUSTER (224). */
export async function getTopicsByCluster(admin: AdminClient, cluster: string): Promise<string[]> {
  const res = await admin.instance.invokeNamesrv(
    createRequest(RequestCode.GET_TOPICS_BY_CLUSTER, 0, { cluster }),
  );
  if (res.code !== ResponseCode.SUCCESS || !res.body) throw refused(res);
  return decodeTopicList(res.body).topicList;
}

/**
 * QUERY_TOPIC_CONSUME_BY_WHO (300): the groups that consume `topic` on that broker. A broker that
 * does not answer the code yet gives an empty list (topicList -c then shows an empty group).
 */
export async function queryTopicConsumeByWho(
  admin: AdminClient,
  brokerAddr: string,
  topic: string,
): Promise<string[]> {
  const req = createRequest(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, 0, { topic });
  const res = await admin.instance.remoting.invoke(brokerAddr, req);
  if (res.code !== ResponseCode.SUCCESS || !res.body) return [];
  return decodeGroupList(res.body);
}
