// What every benchmark class shares: a clock from its start, progress lines on stderr, and notes
// (each printed once as it arises, all reported at the end).

export class BenchBase {
  constructor() {
    this.started = Date.now();
    this.notes = new Set();
  }

  log(msg) {
    const t = ((Date.now() - this.started) / 1000).toFixed(0).padStart(5);
    process.stderr.write(`[${t}s] ${msg}\n`);
  }

  note(msg) {
    if (!this.notes.has(msg)) this.log(`note: ${msg}`);
    this.notes.add(msg);
  }
}
