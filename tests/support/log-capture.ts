import Transport from 'winston-transport';

/** Keeps what the hub's logger writes (at the level given and above) for a test to read. */
export class LogCapture extends Transport {
  entries: Array<Record<string, unknown>> = [];

  /** The entries as JSON lines, for matching text anywhere in an entry. */
  get lines(): string[] {
    return this.entries.map((entry) => JSON.stringify(entry));
  }

  override log(info: Record<string, unknown>, done: () => void) {
    this.entries.push(info);
    done();
  }

  clear() {
    this.entries = [];
  }
}
