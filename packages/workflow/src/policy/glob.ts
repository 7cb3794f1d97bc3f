/** Compiles a path glob (`**`, `*`, `?`) to a RegExp matched against `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (ch === "?") re += "[^/]";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export function matchesAny(file: string, globs: readonly RegExp[]): boolean {
  const normalized = file.split("\\").join("/").replace(/^\.\//, "");
  return globs.some((g) => g.test(normalized) || g.test(`${normalized}/`));
}
