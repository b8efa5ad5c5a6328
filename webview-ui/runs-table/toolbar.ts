// The Runs Table's toolbar, built from VS Code Elements (Lit web components that follow the VS Code
// look): filter field, toggles, group-by and aggregate selects, buttons. Only the elements used are
// imported, so the bundle carries only them (and Lit).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { QueryError } from '../../core/runs/query';
import type { Column } from './columns';
import { AGGREGATES } from './groups';

export interface Toolbar {
  count: HTMLElement;
  filter: VscodeTextfield;
  filterError: HTMLElement;
  differing: VscodeCheckbox;
  starred: VscodeCheckbox;
  groupBy: VscodeSingleSelect;
  thenBy: VscodeSingleSelect;
  aggregate: VscodeSingleSelect;
  picker: HTMLDetailsElement;
  pickerFind: HTMLInputElement;
  pickerList: HTMLElement;
  exportButton: VscodeButton;
  refresh: VscodeButton;
  problems: HTMLElement;
  wrap: HTMLElement;
}

export function buildToolbar(root: HTMLElement): Toolbar {
  root.innerHTML = `
  <header class="toolbar">
    <h1>Runs</h1>
    <span class="count" aria-live="polite"></span>
    <div class="filter-box">
      <vscode-textfield class="filter" type="search" spellcheck="false" placeholder="Filter: lr < 0.01 and acc > 0.9"></vscode-textfield>
      <div id="filter-error" class="filter-error" role="alert" hidden></div>
    </div>
    <vscode-checkbox class="differing" title="Show only columns whose values differ among the shown runs">Differing only</vscode-checkbox>
    <vscode-checkbox class="starred-only" title="Show only starred runs (and pinned runs)">Starred only</vscode-checkbox>
  </header>
  <div class="toolbar second">
    <span class="select-label" id="group-label">Group by</span>
    <vscode-single-select class="group-by" combobox label="Group by" title="Group runs by a column"></vscode-single-select>
    <vscode-single-select class="then-by" combobox label="Then group by" title="Group each group again by a second column"></vscode-single-select>
    <span class="select-label">Show</span>
    <vscode-single-select class="aggregate" label="Group aggregate" title="What group rows show for numeric columns (the tooltip has all of them)"></vscode-single-select>
    <span class="grow"></span>
    <details class="column-picker">
      <summary title="Show or hide columns" role="button">Columns</summary>
      <div class="picker-panel">
        <input class="picker-find" type="search" placeholder="Find columns" aria-label="Find columns">
        <div class="picker-list" role="group" aria-label="Columns"></div>
      </div>
    </details>
    <vscode-button class="export" secondary title="Save the shown rows and columns as CSV">Export CSV</vscode-button>
    <vscode-button class="refresh" secondary title="Reload runs from disk">Refresh</vscode-button>
  </div>
  <div class="problems" role="alert" hidden></div>
  <div class="table-wrap"><p class="empty">Loading runs…</p></div>`;
  const q = <T extends Element>(selector: string): T => root.querySelector(selector) as T;
  // Not an attribute of vscode-textfield: the inner input's accessible name.
  q<VscodeTextfield>('.filter').label = 'Filter runs';
  const aggregate = q<VscodeSingleSelect>('.aggregate');
  aggregate.options = Object.entries(AGGREGATES).map(([value, label]) => ({
    value,
    label,
    description: '',
    selected: value === 'mean',
    disabled: false,
  }));
  return {
    count: q('.count'),
    filter: q('.filter'),
    filterError: q('.filter-error'),
    differing: q('.differing'),
    starred: q('.starred-only'),
    groupBy: q('.group-by'),
    thenBy: q('.then-by'),
    aggregate,
    picker: q('.column-picker'),
    pickerFind: q('.picker-find'),
    pickerList: q('.picker-list'),
    exportButton: q('.export'),
    refresh: q('.refresh'),
    problems: q('.problems'),
    wrap: q('.table-wrap'),
  };
}

/** Columns runs can be grouped by: run fields with few values, params, tags, inputs. */
export function groupable(columns: Column[]): Column[] {
  return columns.filter(
    (c) =>
      ['status', 'experiment', 'commit'].includes(c.id) ||
      c.group === 'param' ||
      c.group === 'tag' ||
      c.group === 'input',
  );
}

/** The "None" option of the group-by selects (column ids always contain a letter and no space). */
export const NONE = ' none';

/** Fill a group-by select with "None" and the columns; keep the chosen value (NONE for none). */
export function setGroupOptions(select: VscodeSingleSelect, columns: Column[], value: string): void {
  const options = [{ value: NONE, label: 'None' }, ...columns.map((c) => ({ value: c.id, label: c.label }))];
  const key = options.map((o) => o.value).join('\u0000');
  if (select.dataset.options !== key) {
    select.dataset.options = key;
    select.options = options.map((o) => ({
      ...o,
      description: o.value.includes(':') ? (o.value.split(':')[0] ?? '') : '',
      selected: o.value === value,
      disabled: false,
    }));
  }
  if (select.value !== value) select.value = value;
}

/** Show a filter's error under the field, with a caret under its column; null clears it. */
export function showFilterError(t: Toolbar, text: string, err: QueryError | null): void {
  t.filterError.hidden = err === null;
  t.filter.invalid = err !== null;
  if (!err) {
    t.filter.removeAttribute('aria-invalid');
    return;
  }
  t.filter.setAttribute('aria-invalid', 'true');
  const caret = Object.assign(document.createElement('pre'), {
    className: 'caret',
    textContent: `${text}\n${' '.repeat(Math.max(0, err.column - 1))}${'^'.repeat(Math.max(1, err.length))}`,
  });
  t.filterError.replaceChildren(
    Object.assign(document.createElement('span'), { textContent: err.message }),
    caret,
  );
}
