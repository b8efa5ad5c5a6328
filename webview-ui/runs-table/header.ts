// The Runs Table header's interactions: click to sort (shift-click adds a key), drag a header onto
// another to move its column (a bar shows where it lands), Ctrl+Shift+Left/Right to move it by key.
import type { GridEvents } from './grid';

export function listenToHeader(
  header: HTMLElement,
  events: Pick<GridEvents, 'onSort' | 'onMoveColumn' | 'onMoveColumnBy'>,
  focus: (id: string) => void,
): void {
  let dragging: string | null = null;
  header.addEventListener('click', (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-column]');
    if (cell?.dataset.column) events.onSort(cell.dataset.column, e.shiftKey);
  });
  header.addEventListener('keydown', (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-column]')?.dataset.column;
    if (!id || !e.ctrlKey || !e.shiftKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    focus(id);
    events.onMoveColumnBy(id, e.key === 'ArrowLeft' ? -1 : 1);
  });
  header.addEventListener('dragstart', (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-column]')?.dataset.column;
    if (!id || !e.dataTransfer) return;
    dragging = id;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', id);
  });
  const dropTarget = (e: DragEvent): { cell: HTMLElement; after: boolean } | null => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-column]');
    if (!dragging || !cell || cell.dataset.column === dragging) return null;
    const box = cell.getBoundingClientRect();
    const after = cell.dataset.column === 'name' || e.clientX > box.left + box.width / 2;
    return { cell, after };
  };
  const clearMarks = (): void => {
    for (const el of header.querySelectorAll('.drop-before, .drop-after'))
      el.classList.remove('drop-before', 'drop-after');
  };
  header.addEventListener('dragover', (e) => {
    const t = dropTarget(e);
    clearMarks();
    if (!t) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    t.cell.classList.add(t.after ? 'drop-after' : 'drop-before');
  });
  header.addEventListener('drop', (e) => {
    const t = dropTarget(e);
    const id = dragging;
    clearMarks();
    if (!t || !id) return;
    e.preventDefault();
    dragging = null;
    events.onMoveColumn(id, t.cell.dataset.column as string, t.after);
  });
  header.addEventListener('dragend', () => {
    dragging = null;
    clearMarks();
  });
}
