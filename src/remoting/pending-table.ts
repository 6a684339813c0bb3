// A connection's requests awaiting an answer, by opaque. Opaques are handed out in sequence, so
// a request is kept in a slot of a fixed ring (opaque modulo its size) and only one whose slot
// is still taken by a much older request goes to a Map. Why not a Map alone: a Map that sees
// one set and one delete per request rebuilds its table every few hundred requests, ~44 B of
// garbage per request under load; the ring makes none.
// A power of two, above the usual number in flight; made on the first request, so a server's
// connections (which seldom send one) do not carry it.
const RING_SLOTS = 2048;
const MASK = RING_SLOTS - 1;

export class PendingTable<W> {
  private ring: (W | undefined)[] = [];
  private ringOpaque = new Int32Array(0);
  private readonly overflow = new Map<number, W>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  set(opaque: number, w: W): void {
    if (this.ring.length === 0) {
      this.ring = new Array(RING_SLOTS).fill(undefined);
      this.ringOpaque = new Int32Array(RING_SLOTS);
    }
    const slot = opaque & MASK;
    if (this.ring[slot] === undefined) {
      this.ring[slot] = w;
      this.ringOpaque[slot] = opaque;
    } else {
      this.overflow.set(opaque, w);
    }
    this.count++;
  }

  get(opaque: number): W | undefined {
    const slot = opaque & MASK;
    const w = this.ring[slot];
    if (w !== undefined && this.ringOpaque[slot] === opaque) return w;
    return this.overflow.size === 0 ? undefined : this.overflow.get(opaque);
  }

  /** Removes the entry of opaque; true when there was one. */
  delete(opaque: number): boolean {
    const slot = opaque & MASK;
    if (this.ring[slot] !== undefined && this.ringOpaque[slot] === opaque) {
      this.ring[slot] = undefined;
      this.count--;
      return true;
    }
    if (this.overflow.delete(opaque)) {
      this.count--;
      return true;
    }
    return false;
  }

  /** Every [opaque, waiter], as a copy: the caller may delete while going through it. */
  entries(): [number, W][] {
    const out: [number, W][] = [];
    for (let i = 0; i < this.ring.length; i++) {
      const w = this.ring[i];
      if (w !== undefined) out.push([this.ringOpaque[i]!, w]);
    }
    for (const e of this.overflow) out.push(e);
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.overflow.clear();
    this.count = 0;
  }
}
