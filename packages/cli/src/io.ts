/** What a command may touch of the process: injected so tests run commands in-process. */
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour for humans: stdout is a TTY and NO_COLOR is unset. */
  color: boolean;
  /** The running CLI bundle, when there is one: large audits spread over worker threads running it. */
  bundle?: string;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

/** Exit codes, the same for every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
