// Message counters for GET_BROKER_RUNTIME_INFO (BrokerStats / StoreStatsService): totals plus
// TPS over the last 10 s, 60 s and 600 s, from one sample per second kept in a ring.
const WINDOWS_SEC = [10, 60, 600] as const;
const RING = 601;

export class BrokerStats {
  putTotal = 0;
  getTotal = 0;
  private readonly puts = new Array<number>(RING).fill(0);
  private readonly gets = new Array<number>(RING).fill(0);
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  sample(): void {
    this.tick++;
    this.puts[this.tick % RING] = this.putTotal;
    this.gets[this.tick % RING] = this.getTotal;
  }

  /** "tps10 tps60 tps600", the format RocketMQ's tools split on spaces. */
  putTps(): string {
    return this.tps(this.puts);
  }

  getTps(): string {
    return this.tps(this.gets);
  }

  private tps(ring: number[]): string {
    const now = ring[this.tick % RING] ?? 0;
    return WINDOWS_SEC.map((w) => {
      const span = Math.min(w, this.tick);
      if (span === 0) return '0.00';
      const then = ring[(this.tick - span) % RING] ?? 0;
      return ((now - then) / span).toFixed(2);
    }).join(' ');
  }
}
