// What the Metric Plots view says when it has nothing to draw, and what to do about it.

/**
 * The plot area's message: no runs (select some in the Runs Table), runs without metrics, runs
 * without the picked metric (`metric` is what the last answer plotted; undefined while loading).
 */
export function emptyMessage(runCount: number, metric: string | undefined): HTMLElement {
  const box = document.createElement('div');
  box.className = 'empty';
  const title = document.createElement('p');
  title.className = 'empty-title';
  const hint = document.createElement('p');
  hint.className = 'empty-hint';
  if (runCount === 0) {
    title.textContent = 'No runs to plot';
    hint.textContent = 'Select runs in the Runs Table to compare their metrics here.';
    const record = document.createElement('p');
    record.className = 'empty-hint';
    const code = document.createElement('code');
    code.textContent = 'lineage run -- python train.py';
    record.append('No runs yet? Record one: ', code);
    box.append(title, hint, record);
    return box;
  } else if (metric === '') {
    title.textContent =
      runCount === 1
        ? 'This run has not logged any metrics yet'
        : 'These runs have not logged any metrics yet';
    hint.textContent = 'Metrics appear here as the runs log them, or select other runs in the Runs Table.';
  } else if (metric !== undefined) {
    title.textContent = `None of these runs logged ${metric}`;
    hint.textContent = 'Pick another metric above, or select other runs in the Runs Table.';
  } else {
    title.textContent = 'Loading metrics…';
    hint.textContent = '';
  }
  box.append(title, hint);
  return box;
}
