// RocketMQ's tools give some letters no value in one subcommand and a value in the others:
// topicList -c is "cluster view" but -c <cluster> everywhere else, consumerStatus -s is "jstack",
// statsAll -a "active topics only", queryMsgByUniqueKey -a "show all", topicRoute -l "list",
// exportMetadata -t/-g/-s "topic only", "group only", "special topics". parseArgs takes one
// meaning per letter, so before parsing, such a letter in such a subcommand becomes its long
// boolean option (--clusterModel, …). A `true` right after it is dropped and a `false` turns it
// off: commons-cli leaves a stray value in the argument list and the Java tool ignores it, so
// `statsAll -a true` keeps working.

/** Per subcommand: letter → the long boolean option it stands for. */
export const SWITCHES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  topicList: { c: 'clusterModel' },
  topicRoute: { l: 'list' },
  consumerStatus: { s: 'jstack' },
  queryMsgByUniqueKey: { a: 'showAll' },
  statsAll: { a: 'activeTopic' },
  exportMetadata: { t: 'topicOnly', g: 'groupOnly', s: 'specialTopic' },
};

/** The long options the switches stand for (those not declared by their module already). */
export const SWITCH_OPTIONS = {
  clusterModel: { type: 'boolean' },
  list: { type: 'boolean' },
  jstack: { type: 'boolean' },
  activeTopic: { type: 'boolean' },
  showAll: { type: 'boolean' },
} as const;

/** argv with `command`'s switch letters spelled as their long options. */
export function expandSwitches(command: string, argv: readonly string[]): string[] {
  const letters = Object.hasOwn(SWITCHES, command) ? SWITCHES[command]! : {};
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const long = /^-[A-Za-z]$/.test(arg) ? letters[arg.slice(1)] : undefined;
    if (long === undefined) {
      out.push(arg);
      continue;
    }
    const next = argv[i + 1]?.toLowerCase();
    if (next === 'true' || next === 'false') i++;
    if (next !== 'false') out.push(`--${long}`);
  }
  return out;
}
