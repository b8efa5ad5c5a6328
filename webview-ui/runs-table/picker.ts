// The column picker: a searchable list of checkboxes, one per column (at most PICKER_MAX drawn).
import type { Column } from './columns';
import type { Toolbar } from './toolbar';

const PICKER_MAX = 300;

export function setupPicker(
  t: Toolbar,
  columns: () => Column[],
  isShown: (c: Column) => boolean,
  setShown: (c: Column, shown: boolean) => void,
): { render(): void } {
  const render = (): void => {
    if (!t.picker.open) return;
    const needle = t.pickerFind.value.trim().toLowerCase();
    const matches = columns().filter(
      (c) =>
        c.id !== 'name' &&
        (!needle || c.label.toLowerCase().includes(needle) || c.id.toLowerCase().includes(needle)),
    );
    const items: HTMLElement[] = matches.slice(0, PICKER_MAX).map((c) => {
      const label = document.createElement('label');
      label.className = `picker-item ${c.group}`;
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: isShown(c) });
      box.dataset.column = c.id;
      label.append(box, c.label);
      label.title = c.title;
      return label;
    });
    if (matches.length > PICKER_MAX) {
      items.push(
        Object.assign(document.createElement('div'), {
          className: 'picker-more',
          textContent: `${matches.length - PICKER_MAX} more; type to narrow`,
        }),
      );
    }
    t.pickerList.replaceChildren(...items);
  };
  t.pickerList.addEventListener('change', (event) => {
    const box = event.target as HTMLInputElement;
    const column = columns().find((c) => c.id === box.dataset.column);
    if (column) setShown(column, box.checked);
  });
  t.picker.addEventListener('toggle', () => {
    if (t.picker.open) {
      render();
      t.pickerFind.focus();
    } else t.pickerList.replaceChildren();
  });
  t.pickerFind.addEventListener('input', render);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && t.picker.open) {
      t.picker.open = false;
      (t.picker.querySelector('summary') as HTMLElement).focus();
    }
  });
  return { render };
}
