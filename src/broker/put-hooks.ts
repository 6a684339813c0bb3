// Put hooks: the rewrites a message goes through between a send and the store, in order
// (BrokerController#registerMessageStoreHook, HookUtils#handleScheduleMessage and
// #checkIfTimerMessage). Each hook looks at the message about to be stored and either lets the
// next one look (undefined), answers with the message to store instead (the first answer wins,
// so a DELAY level, first, keeps the timer hook from running), or refuses it with a remark
// (MESSAGE_ILLEGAL). The list is built once per broker; a hook is an object, so running the list
// allocates nothing beyond what a hook itself builds. The half message of a transaction
// (transaction/half-message-hook.ts) goes first: what it stores is not consumable, so neither a
// delay nor a timer may divert it.

import { PERM_READ, PERM_WRITE } from '../common/perm.js';
import type { MessageToStore } from '../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../message/system-topics.js';
import type { BrokerContext } from './broker-context.js';
import { applyDelayLevel, applyTimer } from './schedule/delay-hook.js';
import { applyTimerWheel } from './timer/timer-hook.js';
import {
  HALF_QUEUE_ID,
  type HalfMessageSettings,
  halfMessageHook,
} from './transaction/half-message-hook.js';

/** A refusal's code is MESSAGE_ILLEGAL unless it names another (NO_PERMISSION). */
export type PutHookOutcome =
  | { readonly message: MessageToStore }
  | { readonly error: string; readonly code?: number };

export interface PutHook {
  /** For logs and tests. */
  readonly name: string;
  apply(m: MessageToStore): PutHookOutcome | undefined;
}

export interface PutHookSettings {
  /** messageDelayLevel, in ms. */
  readonly levels: readonly number[];
  readonly timerWheelEnable: boolean;
  readonly timerMaxDelaySec: number;
  readonly now?: () => number;
  /** Half messages of transactions; without it, TRAN_MSG is not looked at. */
  readonly halfMessage?: Omit<HalfMessageSettings, 'levels'>;
}

/** A DELAY level > 0 diverts to SCHEDULE_TOPIC_XXXX and drops the timer properties. */
export function delayLevelHook(levels: readonly number[]): PutHook {
  return {
    name: 'delayLevel',
    apply(m) {
      const d = applyDelayLevel(m, levels);
      return 'error' in d || d.level > 0 ? d : undefined;
    },
  };
}

/** TIMER_* properties divert to rmq_sys_wheel_timer (timerWheelEnable=true). */
export function timerWheelHook(maxDelayMs: number, now: () => number): PutHook {
  return { name: 'timerWheel', apply: (m) => applyTimerWheel(m, now(), maxDelayMs) };
}

/** TIMER_* properties ride the delay levels (timerWheelEnable=false). */
export function levelTimerHook(
  levels: readonly number[],
  maxDelayMs: number,
  now: () => number,
): PutHook {
  return { name: 'levelTimer', apply: (m) => applyTimer(m, levels, now(), maxDelayMs) };
}

/** The broker's hooks, in the order they run. */
export function putHooksFor(s: PutHookSettings): readonly PutHook[] {
  const now = s.now ?? Date.now;
  const maxDelayMs = s.timerMaxDelaySec * 1000;
  const half = s.halfMessage ? [halfMessageHook({ ...s.halfMessage, levels: s.levels })] : [];
  return Object.freeze([
    ...half,
    delayLevelHook(s.levels),
    s.timerWheelEnable
      ? timerWheelHook(maxDelayMs, now)
      : levelTimerHook(s.levels, maxDelayMs, now),
  ]);
}

/** The hooks of a broker with this configuration and these delay levels. */
export function brokerPutHooks(
  ctx: Pick<BrokerContext, 'config' | 'schedule' | 'topics'>,
): readonly PutHook[] {
  return putHooksFor({
    levels: ctx.schedule.levels,
    timerWheelEnable: ctx.config.timerWheelEnable,
    timerMaxDelaySec: ctx.config.timerMaxDelaySec,
    halfMessage: {
      reject: ctx.config.rejectTransactionMessage,
      brokerIP1: ctx.config.brokerIP1,
      // TransactionalMessageBridge#selectTopicConfig: created on first use, 1 queue, RW.
      ensureHalfTopic: () => {
        ctx.topics.createTopicInSendMessageBackMethod(
          RMQ_SYS_TRANS_HALF_TOPIC,
          HALF_QUEUE_ID + 1,
          PERM_READ | PERM_WRITE,
        );
      },
    },
  });
}

/** The first hook's answer, or undefined when every hook let the message pass unchanged. */
export function runPutHooks(
  hooks: readonly PutHook[],
  m: MessageToStore,
): PutHookOutcome | undefined {
  for (let i = 0; i < hooks.length; i++) {
    const r = hooks[i]!.apply(m);
    if (r !== undefined) return r;
  }
  return undefined;
}
