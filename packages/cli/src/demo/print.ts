/** How the demo writes: numbered headings with what to read first, and pass/fail marks, coloured on a TTY. */
import type { CliIO } from "../io.js";

export interface DemoPrinter {
  /** `3. build: ...` with a rule under it, then the line a person should read first. */
  heading(title: string, readFirst?: string): void;
  line(text?: string): void;
  bold(text: string): string;
  green(text: string): string;
  red(text: string): string;
  dim(text: string): string;
}

export function demoPrinter(io: CliIO): DemoPrinter {
  const paint = (code: string) => (text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const bold = paint("1");
  return {
    heading(title, readFirst) {
      io.stdout(`\n${bold(title)}\n${"─".repeat(Math.min(title.length, 78))}\n`);
      if (readFirst) io.stdout(`${readFirst}\n`);
    },
    line: (text = "") => io.stdout(`${text}\n`),
    bold,
    green: paint("32"),
    red: paint("31"),
    dim: paint("2"),
  };
}

/** Milliseconds since `start`, rounded, for "(… ms)" notes. */
export function since(start: number): string {
  return `${Math.round(performance.now() - start)} ms`;
}
