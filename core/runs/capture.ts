import picomatch from 'picomatch';

/** `name=value` or `name: value`, where value is a number (or nan/inf, which are skipped). */
const PAIR =
  /(?:^|[\s,;|([{])([A-Za-z_][\w./-]*)\s*(?:=|:)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.])/g;
const MAX_LINE = 64 * 1024;

export interface CaptureRule {
  /** Metric names or globs to capture. */
  metrics: string[];
  /** A printed name whose value is the step. */
  step?: string;
}

/**
 * Turns a command's printed output into metric-stream lines (opt-in, `capture:` in lineage.yaml):
 * each output line with at least one wanted `name=value` / `name: value` pair becomes one JSON
 * line. Feed it output chunks; it keeps a partial last line until its newline arrives.
 */
export class StdoutCapture {
  private readonly wanted: (name: string) => boolean;
  private pending = '';

  constructor(
    private readonly rule: CaptureRule,
    private readonly emit: (line: string) => void,
  ) {
    this.wanted = picomatch(rule.metrics);
  }

  feed(chunk: string): void {
    const lines = (this.pending + chunk).split(/\r?\n|\r/);
    this.pending = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
  }

  /** The metric-stream line for one printed line, or null when it carries no wanted metric. */
  parse(line: string): Record<string, number> | null {
    const values: Record<string, number> = {};
    let found = false;
    for (const [, name = '', text = ''] of line.slice(0, MAX_LINE).matchAll(PAIR)) {
      const value = Number(text);
      if (!Number.isFinite(value)) continue;
      if (name === this.rule.step) {
        if (Number.isInteger(value) && value >= 0) values.step = value;
      } else if (this.wanted(name)) {
        values[name] = value;
        found = true;
      }
    }
    return found ? values : null;
  }

  private line(line: string): void {
    const values = this.parse(line);
    if (!values) return;
    const { step, ...metrics } = values;
    // Captured names are flat: a name with '/' must not be split again by the reader.
    const record = { ...(step !== undefined && { step }), time: Date.now() / 1000, ...metrics };
    this.emit(JSON.stringify(record) + '\n');
  }
}
