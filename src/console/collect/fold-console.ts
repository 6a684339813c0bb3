// Folds the masters' KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT answers into the snapshot's online counts
// and topic max offsets. A master that answered REQUEST_CODE_NOT_SUPPORTED (an Apache RocketMQ
// broker) is listed apart: its topics' offsets come from its consume stats instead, and the
// groups alert rules watch are asked there one by one, as before this request existed.
import type { BrokerConsoleSnapshot } from '../../protocol/bodies/console-snapshot.js';
import type { ConsumeStatsList } from '../../protocol/bodies/consume-stats-list.js';
import { foldConsumeStats } from './fold-consume-stats.js';

/** One master's answer: the body, undefined when not supported, an Error when the call failed. */
export interface ConsoleAnswer {
  addr: string;
  brokerName: string;
  answer: BrokerConsoleSnapshot | undefined | Error;
}

export interface ConsoleFold {
  /**
   * Online clients per group: the most any answering master counts. Clients heartbeat to every
   * master of their topics, so each master sees the same clients; summing would count them twice.
   */
  online: Map<string, number>;
  /** Consume type and message model of the groups with consumers registered on some master. */
  kinds: Map<string, GroupKind>;
  /** Per topic: the sum of its max offsets over the masters that reported it, and how many. */
  topicMax: Map<string, number>;
  topicReporters: Map<string, number>;
  /** Masters that do not know the request (an Apache RocketMQ broker). */
  unsupported: string[];
  /** Masters that answered with a body, whose topic tables are complete. */
  answered: Map<string, BrokerConsoleSnapshot>;
}

export interface GroupKind {
  consumeType: string;
  messageModel: string;
}

function add(m: Map<string, number>, key: string, n: number): void {
  m.set(key, (m.get(key) ?? 0) + n);
}

/**
 * `answers` are the up masters'; `statsLists` every master's consume stats, of which those of
 * the unsupported masters give those masters' topic offsets (only topics a group has offsets on).
 */
export function foldConsoleAnswers(
  answers: readonly ConsoleAnswer[],
  statsLists: readonly { addr: string; list: ConsumeStatsList }[],
  at: number,
): ConsoleFold {
  const online = new Map<string, number>();
  const kinds = new Map<string, GroupKind>();
  const topicMax = new Map<string, number>();
  const topicReporters = new Map<string, number>();
  const unsupported: string[] = [];
  const answered = new Map<string, BrokerConsoleSnapshot>();
  for (const { addr, answer } of answers) {
    if (answer instanceof Error) continue;
    if (answer === undefined) {
      unsupported.push(addr);
      continue;
    }
    answered.set(addr, answer);
    for (const [group, row] of Object.entries(answer.groupTable)) {
      online.set(group, Math.max(online.get(group) ?? 0, row.onlineClients));
      if (row.consumeType !== undefined && row.messageModel !== undefined)
        kinds.set(group, { consumeType: row.consumeType, messageModel: row.messageModel });
    }
    for (const [topic, row] of Object.entries(answer.topicTable)) {
      add(topicMax, topic, row.maxOffset);
      add(topicReporters, topic, 1);
    }
  }
  for (const addr of unsupported) {
    const lists = statsLists.filter((l) => l.addr === addr);
    for (const [topic, max] of foldConsumeStats(lists, at).topicMax) {
      add(topicMax, topic, max);
      add(topicReporters, topic, 1);
    }
  }
  return { online, kinds, topicMax, topicReporters, unsupported, answered };
}

/** The snapshot's note on masters without the request: expected, not an error. */
export function unsupportedNote(unsupported: readonly string[]): string[] {
  if (unsupported.length === 0) return [];
  return [
    `${unsupported.join(', ')} answer${unsupported.length === 1 ? 's' : ''} no ` +
      'KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT (Apache RocketMQ brokers): there, online clients are ' +
      'asked only for the groups alert rules watch, and topic intake is known only for topics ' +
      'some group has offsets on',
  ];
}
