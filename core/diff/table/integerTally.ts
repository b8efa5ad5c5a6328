/** Slots are at most this full before the table doubles. */
const MAX_LOAD = 0.7;
const EMPTY = -1;

/**
 * Occurrence counts of integers in [0, 2^53), in one typed array (open addressing, linear probing;
 * a slot is the key and its count side by side, so a lookup touches one cache line): no object and
 * no string per key, so counting a value is a hash and a probe or two.
 */
export class IntegerTally {
  /** Slot s: key at 2s (EMPTY when free), count at 2s + 1. */
  private slots: Float64Array;
  private used = 0;

  /** `capacity`: slots to start with, a power of two. */
  constructor(capacity = 64) {
    this.slots = emptySlots(capacity);
  }

  /** Keys counted so far. */
  get size(): number {
    return this.used;
  }

  /**
   * Count one occurrence of `key`. A key not seen before is added only when `mayAdd`; returns false
   * when it was not (nothing changes then).
   */
  count(key: number, mayAdd: boolean): boolean {
    const slots = this.slots;
    const last = slots.length / 2 - 1;
    let at = 2 * (hashInteger(key) & last);
    for (;;) {
      const seen = slots[at] as number;
      if (seen === key) {
        slots[at + 1] = (slots[at + 1] as number) + 1;
        return true;
      }
      if (seen === EMPTY) break;
      at = (at + 2) & (2 * last + 1);
    }
    if (!mayAdd) return false;
    slots[at] = key;
    slots[at + 1] = 1;
    if (++this.used > (slots.length / 2) * MAX_LOAD) this.grow();
    return true;
  }

  /** Call `visit` with each key and its count, in no particular order. */
  forEach(visit: (key: number, count: number) => void): void {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += 2) {
      const key = slots[at] as number;
      if (key !== EMPTY) visit(key, slots[at + 1] as number);
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = (this.slots = emptySlots(old.length)); // twice the slots: two numbers each
    const last = slots.length / 2 - 1;
    for (let from = 0; from < old.length; from += 2) {
      const key = old[from] as number;
      if (key === EMPTY) continue;
      let at = 2 * (hashInteger(key) & last);
      while (slots[at] !== EMPTY) at = (at + 2) & (2 * last + 1);
      slots[at] = key;
      slots[at + 1] = old[from + 1] as number;
    }
  }
}

function emptySlots(capacity: number): Float64Array {
  return new Float64Array(2 * capacity).fill(EMPTY);
}

/** A 32-bit hash of an integer (|key| < 2^53): both halves, mixed (murmur3's finalizer). */
export function hashInteger(key: number): number {
  let h = (key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
