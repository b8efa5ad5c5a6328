// The Metric Plots legend: one entry per run (its colour, name, and value), a button that hides or
// shows the run's curve; Alt or Ctrl/Cmd-click shows that run alone. While the cursor is over the
// plot, the values are those at the cursor; otherwise each run's last value.
import type { PlotRun } from '../../protocol/webview';
import { runColor } from '../shared/colors';

export interface LegendHandlers {
  /** A click on a run's entry: `solo` when Alt or Ctrl/Cmd was held. */
  toggle(id: string, solo: boolean): void;
  /** "Show all" was clicked. */
  showAll(): void;
}

export class Legend {
  private entries = new Map<string, { li: HTMLLIElement; value: HTMLElement }>();
  private readonly showAllButton: HTMLButtonElement;

  constructor(
    private readonly list: HTMLElement,
    private readonly handlers: LegendHandlers,
  ) {
    this.showAllButton = document.createElement('button');
    this.showAllButton.type = 'button';
    this.showAllButton.className = 'show-all';
    this.showAllButton.textContent = 'Show all';
    this.showAllButton.addEventListener('click', () => handlers.showAll());
  }

  /**
   * Rebuild the entries for `runs`: `values` (by run id) are the runs' last values; runs without a
   * series of the metric are marked absent, hidden ones hidden.
   */
  render(runs: readonly PlotRun[], values: ReadonlyMap<string, string>, hidden: ReadonlySet<string>): void {
    this.entries.clear();
    const items = runs.map((r) => {
      const li = document.createElement('li');
      li.dataset.id = r.id;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'entry';
      button.title = `${r.name} (${r.id})\nClick to hide or show · Alt+click to show only this run`;
      button.setAttribute('aria-pressed', String(!hidden.has(r.id)));
      button.addEventListener('click', (event) =>
        this.handlers.toggle(r.id, event.altKey || event.ctrlKey || event.metaKey),
      );
      // From the keyboard: Enter or Space toggles (a click); Alt or Ctrl+Enter solos.
      button.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' || !(event.altKey || event.ctrlKey || event.metaKey)) return;
        event.preventDefault();
        this.handlers.toggle(r.id, true);
      });
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = runColor(r.id);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.name;
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = values.get(r.id) ?? '—';
      button.append(swatch, name, value);
      li.append(button);
      if (r.running) li.classList.add('running');
      if (!values.has(r.id)) li.classList.add('absent');
      if (hidden.has(r.id)) li.classList.add('hidden');
      this.entries.set(r.id, { li, value });
      return li;
    });
    const extra: HTMLLIElement[] = [];
    if (runs.some((r) => hidden.has(r.id))) {
      const li = document.createElement('li');
      li.className = 'actions';
      li.append(this.showAllButton);
      extra.push(li);
    }
    this.list.replaceChildren(...items, ...extra);
  }

  /** Show these values (by run id; missing ones as a dash), e.g. those at the cursor. */
  showValues(values: ReadonlyMap<string, string>): void {
    for (const [id, { value }] of this.entries) value.textContent = values.get(id) ?? '—';
  }
}
