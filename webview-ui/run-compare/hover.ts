import type { RunSummary } from '../../protocol/runs';

/**
 * Hover and keyboard highlighting for a chart whose marks carry `data-run`: the run under the
 * pointer (or picked with the arrow keys while the chart has focus) is drawn on top, the others
 * fade, and its name shows in a tooltip and a live region for screen readers.
 */
export function attachHighlight(
  host: HTMLElement,
  describe: (run: RunSummary) => string,
  runs: () => RunSummary[],
): void {
  const tooltip = document.createElement('div');
  tooltip.className = 'chart-tooltip';
  tooltip.hidden = true;
  const live = document.createElement('div');
  live.className = 'sr-only';
  live.setAttribute('aria-live', 'polite');
  host.append(tooltip, live);
  let keyIndex = -1;

  const show = (id: string | null, at?: { x: number; y: number }): void => {
    const svg = host.querySelector('svg');
    if (!svg) return;
    for (const el of svg.querySelectorAll('.hover')) el.classList.remove('hover');
    svg.classList.toggle('has-hover', id !== null);
    const run = runs().find((r) => r.id === id);
    if (!id || !run) {
      tooltip.hidden = true;
      return;
    }
    for (const el of svg.querySelectorAll(`[data-run="${CSS.escape(id)}"]`)) {
      el.classList.add('hover');
      el.parentNode?.appendChild(el); // on top
    }
    tooltip.textContent = describe(run);
    tooltip.hidden = false;
    const box = host.getBoundingClientRect();
    const x = at ? at.x - box.left : box.width / 2;
    const y = at ? at.y - box.top : 8;
    tooltip.style.left = `${Math.min(Math.max(0, x + 12), Math.max(0, box.width - 220))}px`;
    tooltip.style.top = `${Math.max(0, y - 28)}px`;
    live.textContent = describe(run);
  };

  host.addEventListener('pointermove', (e) => {
    const target = (e.target as Element).closest('[data-run]');
    show(target?.getAttribute('data-run') ?? null, { x: e.clientX, y: e.clientY });
  });
  host.addEventListener('pointerleave', () => show(null));
  host.addEventListener('keydown', (e) => {
    const list = runs();
    if (list.length === 0) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') keyIndex = (keyIndex + 1) % list.length;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp')
      keyIndex = (keyIndex - 1 + list.length) % list.length;
    else if (e.key === 'Escape') keyIndex = -1;
    else return;
    e.preventDefault();
    show(keyIndex < 0 ? null : (list[keyIndex]?.id ?? null));
  });
  host.addEventListener('focusout', () => show(null));
}
