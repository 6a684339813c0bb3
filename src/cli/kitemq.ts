// kitemq: umbrella command. `kitemq <command> [flags]` dispatches to one module per command; each
// exports main(argv, name). Add a command (producer, consumer, bench, …) with one COMMANDS entry.

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<{
    main(argv: readonly string[], name?: string): Promise<void>;
  }>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  namesrv: {
    summary: 'run a name server (same as mqnamesrv)',
    load: () => import('./mqnamesrv.js'),
  },
  broker: {
    summary: 'run a broker (same as mqbroker)',
    load: () => import('./mqbroker.js'),
  },
  producer: {
    summary: 'send test messages and print each SendResult (quickstart Producer)',
    load: async () => ({ main: (await import('./quickstart.js')).producerMain }),
  },
  consumer: {
    summary: 'consume a topic and print each message (quickstart Consumer)',
    load: async () => ({ main: (await import('./quickstart.js')).consumerMain }),
  },
  bench: {
    summary: 'load tools: bench producer|consumer|e2e -n <namesrv> -t <topic> (-h for flags)',
    load: () => import('./bench.js'),
  },
  cluster: {
    summary: 'a name server and every broker of a conf dir, e.g. cluster conf/2m-2s-async',
    load: () => import('./cluster.js'),
  },
  console: {
    summary: 'the web console and its JSON API: console -n host:9876 [--port 8082] (-h for flags)',
    load: () => import('./console.js'),
  },
  standalone: {
    summary: 'name server + broker in one process on 127.0.0.1, for development (npm start)',
    load: () => import('./standalone.js'),
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`,
  );
  return [
    'Usage: kitemq <command> [flags]',
    '',
    'KiteMQ, a RocketMQ-compatible messaging system.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run kitemq <command> -h for the flags of a command.',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? console.error : console.log)(helpText());
    if (command === undefined) process.exitCode = 1;
    return;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (entry === undefined) {
    console.error(`kitemq: unknown command ${command}; run kitemq -h for the list`);
    process.exitCode = 1;
    return;
  }
  const mod = await entry.load();
  await mod.main(rest, `kitemq ${command}`);
}
