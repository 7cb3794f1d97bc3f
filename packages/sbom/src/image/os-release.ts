/**
 * The distribution an image is built on, from `/etc/os-release` (or `/usr/lib/os-release`):
 * it names the namespace and `distro` qualifier of OS package purls.
 * https://www.freedesktop.org/software/systemd/man/latest/os-release.html
 */

export interface Distro {
  /** `debian`, `ubuntu`, `alpine`, `wolfi`... */
  id: string;
  /** `12`, `3.19.1`; absent on rolling distributions. */
  versionId?: string;
  versionCodename?: string;
  idLike: string[];
  prettyName?: string;
}

export function parseOsRelease(text: string): Distro | undefined {
  const fields = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  const id = fields.get("ID")?.toLowerCase();
  if (!id) return undefined;
  const distro: Distro = { id, idLike: (fields.get("ID_LIKE") ?? "").toLowerCase().split(/\s+/).filter((s) => s !== "") };
  const versionId = fields.get("VERSION_ID");
  if (versionId) distro.versionId = versionId;
  const codename = fields.get("VERSION_CODENAME");
  if (codename) distro.versionCodename = codename;
  const pretty = fields.get("PRETTY_NAME");
  if (pretty) distro.prettyName = pretty;
  return distro;
}

/** The `distro` qualifier of OS package purls: `debian-12`, `alpine-3.19.1`, or the id alone. */
export function distroQualifier(distro: Distro): string {
  return distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id;
}

/** Whether the distribution is `family` or derives from it (ID_LIKE). */
export function isFamily(distro: Distro | undefined, family: string): boolean {
  return distro !== undefined && (distro.id === family || distro.idLike.includes(family));
}

/** Shell-style value: double or single quotes removed, backslash escapes in double quotes. */
function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\$`])/g, "$1");
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}
