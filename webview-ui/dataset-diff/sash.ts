// The draggable (and keyboard-operable) divider between the file tree and the detail pane.
import { h } from './dom';

const MIN = 180;
const STEP = 20;

/** Largest tree width that still leaves room for the detail pane. */
function maxWidth(): number {
  return Math.max(MIN, window.innerWidth - 260);
}

/**
 * A vertical separator that sets `pane`'s width: drag it, or focus it and use Left/Right (Home/End).
 * `onResize` gets the final width after each drag or key press.
 */
export function installSash(
  pane: HTMLElement,
  initial: number,
  onResize: (width: number) => void,
): HTMLElement {
  const sash = h('div', {
    class: 'sash',
    role: 'separator',
    tabindex: '0',
    'aria-orientation': 'vertical',
    'aria-label': 'Resize the file tree',
    'aria-valuemin': MIN,
  });
  let width = initial;
  const apply = (next: number): void => {
    width = Math.round(Math.min(maxWidth(), Math.max(MIN, next)));
    pane.style.width = `${width}px`;
    sash.setAttribute('aria-valuenow', String(width));
    sash.setAttribute('aria-valuemax', String(maxWidth()));
  };
  apply(initial);
  window.addEventListener('resize', () => apply(width));

  sash.addEventListener('pointerdown', (down) => {
    down.preventDefault();
    sash.setPointerCapture(down.pointerId);
    sash.classList.add('active');
    const start = width - down.clientX;
    const move = (e: PointerEvent): void => apply(start + e.clientX);
    const up = (): void => {
      sash.classList.remove('active');
      sash.removeEventListener('pointermove', move);
      sash.removeEventListener('pointerup', up);
      sash.removeEventListener('pointercancel', up);
      onResize(width);
    };
    sash.addEventListener('pointermove', move);
    sash.addEventListener('pointerup', up);
    sash.addEventListener('pointercancel', up);
  });
  sash.addEventListener('keydown', (e) => {
    const next =
      e.key === 'ArrowLeft'
        ? width - STEP
        : e.key === 'ArrowRight'
          ? width + STEP
          : e.key === 'Home'
            ? MIN
            : e.key === 'End'
              ? maxWidth()
              : null;
    if (next === null) return;
    e.preventDefault();
    apply(next);
    onResize(width);
  });
  return sash;
}
