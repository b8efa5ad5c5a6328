// The panel header: dataset, the two sides compared, change counts, and tree objects the local store lacks.
import type { DatasetDiff, DiffSide } from '../../protocol/diff';
import { formatBytes, listOf } from '../../core/util/format';
import { h } from './dom';
import { formatBytesDelta, formatCount } from './format';
import { KINDS } from './model';

function side(s: DiffSide, which: 'a' | 'b'): HTMLElement {
  const details = [
    `rev: ${s.rev}`,
    s.commit ? `commit: ${s.commit}` : null,
    s.hash ? `tree: ${s.hash}` : 'the dataset does not exist here',
    s.hash ? `${formatCount(s.files)} files, ${formatBytes(s.size)}` : null,
  ];
  return h(
    'span',
    { class: `side ${which}`, title: details.filter(Boolean).join('\n') },
    s.label,
    s.hash ? null : h('span', { class: 'absent' }, ' (absent)'),
  );
}

/** Fill `header` with the summary of `diff`; `actions` (e.g. the Refresh button) stay on the right. */
export function renderHeader(diff: DatasetDiff, actions: HTMLElement): HTMLElement[] {
  const title = h(
    'div',
    { class: 'title-line' },
    h('h1', { class: 'dataset', title: diff.dataset }, diff.dataset),
    h('span', { class: 'sides' }, side(diff.a, 'a'), h('span', { class: 'arrow' }, ' → '), side(diff.b, 'b')),
    actions,
  );
  const counts = h('div', { class: 'summary', 'aria-label': 'Changes' });
  const total = KINDS.reduce((n, k) => n + diff.counts[k], 0);
  if (total === 0) counts.append(h('span', { class: 'count none' }, 'No changes'));
  for (const kind of KINDS) {
    const n = diff.counts[kind];
    counts.append(
      h(
        'span',
        { class: `count ${kind}${n ? '' : ' zero'}`, 'data-kind': kind },
        `${formatCount(n)} ${kind}`,
      ),
    );
  }
  counts.append(
    h(
      'span',
      { class: 'count bytes', title: 'Bytes added minus bytes removed' },
      formatBytesDelta(diff.counts.bytesDelta),
    ),
    h(
      'span',
      { class: 'totals' },
      `${formatCount(diff.a.files)} files, ${formatBytes(diff.a.size)} → ${formatCount(diff.b.files)} files, ${formatBytes(diff.b.size)}`,
    ),
  );
  const parts = [title, counts];
  if (diff.missing.length) {
    const n = diff.missing.length;
    const where = listOf(diff.missing.map((m) => `${m.path || '(root)'} (${m.hash.slice(0, 8)})`));
    parts.push(
      h(
        'p',
        { class: 'missing', role: 'note' },
        `${formatCount(n)} tree ${n === 1 ? 'object is' : 'objects are'} not in the local store, so changes inside ${n === 1 ? 'it are' : 'them are'} not listed: ${where}.`,
      ),
    );
  }
  return parts;
}
