/**
 * Warnings a reader collects, bounded: a hostile lockfile with a million bad entries gives the
 * first few warnings and a count, not a million strings.
 */
const MAX_WARNINGS = 50;

export class WarningList {
  private readonly items: string[] = [];
  private dropped = 0;

  constructor(private readonly file: string) {}

  add(message: string): void {
    if (this.items.length < MAX_WARNINGS) this.items.push(`${this.file}: ${message}`);
    else this.dropped++;
  }

  list(): string[] {
    return this.dropped === 0 ? [...this.items] : [...this.items, `${this.file}: ${this.dropped} more warnings not shown`];
  }
}
