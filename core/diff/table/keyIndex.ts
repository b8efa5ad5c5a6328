import { hashInteger } from './integerTally';

/** Slots are at most this full before the table doubles. */
const MAX_LOAD = 0.5;
/** Never a key: keys are integers. */
const EMPTY = 0.5;

/**
 * A map from match keys to integers (`match.ts`): integer keys (|key| < 2^53) in one typed array
 * (open addressing, linear probing, key and value side by side), several times cheaper than a Map
 * for numeric key columns; text keys in a Map. A number key never equals a text key.
 */
export class KeyIndex {
  /** Slot s: key at 2s (EMPTY when free), value at 2s + 1. */
  private slots: Float64Array;
  private used = 0;
  private readonly texts = new Map<string, number>();

  /** `expected`: about how many keys there will be. */
  constructor(expected: number) {
    let capacity = 64;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.slots = new Float64Array(2 * capacity).fill(EMPTY);
  }

  get(key: string | number): number | undefined {
    if (typeof key === 'string') return this.texts.get(key);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let at = (2 * hashInteger(key)) & mask; ; at = (at + 2) & mask) {
      const seen = slots[at] as number;
      if (seen === key) return slots[at + 1];
      if (seen === EMPTY) return undefined;
    }
  }

  set(key: string | number, value: number): void {
    if (typeof key === 'string') {
      this.texts.set(key, value);
      return;
    }
    const slots = this.slots;
    const mask = slots.length - 1;
    let at = (2 * hashInteger(key)) & mask;
    while (slots[at] !== key && slots[at] !== EMPTY) at = (at + 2) & mask;
    slots[at + 1] = value;
    if (slots[at] === key) return;
    slots[at] = key;
    if (++this.used > (slots.length / 2) * MAX_LOAD) this.grow();
  }

  private grow(): void {
    const old = this.slots;
    const slots = (this.slots = new Float64Array(2 * old.length).fill(EMPTY));
    const mask = slots.length - 1;
    for (let from = 0; from < old.length; from += 2) {
      const key = old[from] as number;
      if (key === EMPTY) continue;
      let at = (2 * hashInteger(key)) & mask;
      while (slots[at] !== EMPTY) at = (at + 2) & mask;
      slots[at] = key;
      slots[at + 1] = old[from + 1] as number;
    }
  }
}
