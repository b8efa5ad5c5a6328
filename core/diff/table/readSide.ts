import type { ColumnType } from '../../../protocol/diff';
import { type Cell, hashText } from './cells';
import { ColumnProfile } from './profile';
import type { TableReader } from './reader';
import type { RowStore, Side } from './rowStore';
import type { SideTable } from './schema';

/**
 * Read one side to the end in a single pass: profile every column (type and statistics), number the
 * rows, and hand them to the store, each with its partition: a hash of the cells of `hashColumns`
 * (numeric-looking text hashed as its canonical number, so rows that can match land together).
 */
export async function readSide(
  reader: TableReader,
  side: Side,
  store: RowStore,
  hashColumns: string[],
  signal?: AbortSignal,
): Promise<SideTable> {
  const profiles: ColumnProfile[] = [];
  let rows = 0;
  for await (const batch of reader.batches()) {
    signal?.throwIfAborted();
    while (profiles.length < reader.columns.length) {
      const profile = new ColumnProfile(reader.schemaType(profiles.length));
      profile.addNulls(rows); // rows before a JSON key first appeared
      profiles.push(profile);
    }
    for (let c = 0; c < profiles.length; c++) {
      const profile = profiles[c] as ColumnProfile;
      for (const cells of batch) profile.observe(cells[c] ?? null);
    }
    const partitionOf = new Uint32Array(batch.length);
    if (store.partitions > 1) {
      const indexes = hashColumns.map((name) => reader.columns.indexOf(name));
      for (let i = 0; i < batch.length; i++) {
        partitionOf[i] = hashCells(batch[i] as Cell[], indexes) % store.partitions;
      }
    }
    store.add(side, batch, rows + 1, partitionOf, reader.mayHoldControls());
    rows += batch.length;
  }
  store.finish(side);
  const types = profiles.map((profile, c): ColumnType => {
    const allowed = reader.allowedTypes(c);
    return reader.schemaType(c) ?? (allowed === 'other' ? 'other' : profile.type(allowed));
  });
  return {
    columns: [...reader.columns],
    types,
    stats: profiles.map((profile, c) => profile.stats(types[c] ?? 'null')),
    rows,
    warnings: reader.warnings,
  };
}

/** FNV-1a over the cells (null and a separator count too), mixed (murmur3's finalizer), unsigned. */
function hashCells(cells: Cell[], indexes: number[]): number {
  let h = 0x811c9dc5;
  for (const index of indexes) {
    const cell = index < 0 ? null : (cells[index] ?? null);
    if (cell !== null) {
      const text = hashText(cell);
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    } else h = Math.imul(h ^ 0x100, 0x01000193);
    h = Math.imul(h ^ 0x101, 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
