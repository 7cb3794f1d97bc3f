/**
 * Parses the runner's file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) the way the runner
 * does: `name=value` lines and `name<<DELIMITER` heredoc blocks, empty lines skipped.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#environment-files
 * (mirrors actions/runner src/Runner.Worker/FileCommandManager.cs, EnvFileKeyValuePairs).
 */
export function parseFileCommands(text: string, file = "file command"): Map<string, string> {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const values = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === "") throw new Error(`${file}: line ${i + 1}: empty name in ${JSON.stringify(line)}`);
      values.set(name, line.slice(equals + 1));
      continue;
    }
    if (heredoc < 0) throw new Error(`${file}: line ${i + 1}: invalid format ${JSON.stringify(line)}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === "" || delimiter === "") throw new Error(`${file}: line ${i + 1}: invalid heredoc ${JSON.stringify(line)}`);
    const body: string[] = [];
    let closed = false;
    while (++i < lines.length) {
      if (lines[i] === delimiter) {
        closed = true;
        break;
      }
      body.push(lines[i]!);
    }
    if (!closed) throw new Error(`${file}: matching delimiter not found "${delimiter}"`);
    values.set(name, body.join("\n"));
  }
  return values;
}

/** GITHUB_PATH: one directory a line, prepended to PATH for later steps. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== "");
}
