// mqadmin's name-server subcommands (tools/command/namesrv/*, RocketMQ 5.x), each sent to every
// name server in -n as Java's tools do:
//   getNamesrvConfig -n <ns>                    updateNamesrvConfig -n <ns> -k <key> -v <value>
//   updateKvConfig -n <ns> -s <namespace> -k <key> -v <value>
//   deleteKvConfig -n <ns> -s <namespace> -k <key>
//   wipeWritePerm -n <ns> -b <brokerName>       addWritePerm -n <ns> -b <brokerName>
// -s, -k and -b reuse mqadmin's timestamp, msgKey and brokerAddr keys (RocketMQ's letters).
import {
  deleteKvConfig,
  getNamesrvConfig,
  operateWritePerm,
  type PerNamesrv,
  putKvConfig,
  updateNamesrvConfig,
} from '../client/admin-namesrv.js';
import { type ParsedValues, stringFlag, UsageError } from './args.js';
import type { Output, Subcommand, SubcommandModule } from './mqadmin-output.js';
import { need } from './mqadmin-output.js';

/** need() for a shared flag key that means something else here: the error names the meaning. */
export function needAs(v: ParsedValues, flag: string, letter: string, meaning: string): string {
  const s = stringFlag(v, flag);
  if (!s) throw new UsageError(`missing -${letter} <${meaning}>; run mqadmin -h for help`);
  return s;
}

const HELP = `  getNamesrvConfig  the config of every name server in -n
  updateNamesrvConfig  change a name server key at run time: -k <key> -v <value>
  updateKvConfig    set a KV config item on every name server: -s <namespace> -k <key> -v <value>
  deleteKvConfig    delete a KV config item: -s <namespace> -k <key>
  wipeWritePerm     stop new sends to a broker (its routes lose W): -b <brokerName>
  addWritePerm      give a broker's routes W again: -b <brokerName>`;

const OPTIONS = {
  value: { type: 'string', short: 'v' },
} as const;

/** Java's per-name-server lines; fails (exit 1) when any name server failed. */
function perNamesrvLines(out: Output, results: PerNamesrv<number>[], what: string, b: string) {
  const lines = results.map((r) =>
    r.ok
      ? `${what} of broker[${b}] in name server[${r.namesrv}] OK, ${r.value}`
      : `${what} of broker[${b}] in name server[${r.namesrv}] Failed: ${r.error}`,
  );
  out.line(lines.join('\n'), results);
  const failed = results.filter((r) => !r.ok).map((r) => r.namesrv);
  if (failed.length > 0)
    throw new Error(`${what} failed on ${failed.join(', ')}; check those name servers are up`);
}

/** -b here is a broker name (as in Java's tool), not the address it is elsewhere. */
function brokerName(v: ParsedValues): string {
  const b = stringFlag(v, 'brokerAddr');
  if (!b) throw new UsageError('missing -b <brokerName> (e.g. broker-a); run mqadmin -h for help');
  return b;
}

const COMMANDS: Record<string, Subcommand> = {
  async getNamesrvConfig(admin, _v, out) {
    const results = await getNamesrvConfig(admin);
    const failed = results.filter((r) => !r.ok);
    const why = failed
      .map((r) => `${r.namesrv} (${r.error.replace(/; is the server running\?$/, '')})`)
      .join(', ');
    const fix = 'check -n or NAMESRV_ADDR and that mqnamesrv is running there';
    if (failed.length === results.length)
      throw new Error(`no name server answered: ${why}; ${fix}`);
    const text: string[] = [];
    for (const r of results) {
      text.push(`============${r.namesrv}============`);
      if (!r.ok) text.push(`failed: ${r.error}`);
      else for (const [k, val] of Object.entries(r.value)) text.push(`${k.padEnd(50)}=  ${val}`);
    }
    const data = Object.fromEntries(results.map((r) => [r.namesrv, r.ok ? r.value : r]));
    out.line(text.join('\n'), data);
    if (failed.length > 0) throw new Error(`name servers did not answer: ${why}; ${fix}`);
  },
  async updateNamesrvConfig(admin, v, out) {
    const key = needAs(v, 'msgKey', 'k', 'key');
    const value = need(v, 'value', 'v');
    const servers = await updateNamesrvConfig(admin, { [key]: value });
    out.line(`update name server config success![${servers.join(', ')}]\n${key} : ${value}`, {
      namesrvs: servers,
      key,
      value,
    });
  },
  async updateKvConfig(admin, v, out) {
    const namespace = needAs(v, 'timestamp', 's', 'namespace');
    const key = needAs(v, 'msgKey', 'k', 'key');
    const value = need(v, 'value', 'v');
    await putKvConfig(admin, namespace, key, value);
    out.line('create or update kv config to namespace success.', { namespace, key, value });
  },
  async deleteKvConfig(admin, v, out) {
    const namespace = needAs(v, 'timestamp', 's', 'namespace');
    const key = needAs(v, 'msgKey', 'k', 'key');
    await deleteKvConfig(admin, namespace, key);
    out.line('delete kv config from namespace success.', { namespace, key });
  },
  async wipeWritePerm(admin, v, out) {
    const b = brokerName(v);
    perNamesrvLines(out, await operateWritePerm(admin, b, 'wipe'), 'wipe write perm', b);
  },
  async addWritePerm(admin, v, out) {
    const b = brokerName(v);
    perNamesrvLines(out, await operateWritePerm(admin, b, 'add'), 'add write perm', b);
  },
};

export const NAMESRV_MODULE: SubcommandModule = {
  help: HELP,
  options: OPTIONS,
  commands: COMMANDS,
};
