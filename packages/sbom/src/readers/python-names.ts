/** Python package names and versions as the Python readers share them (PEP 503, PEP 427, PEP 625). */
import { purlOf } from "../purl.js";

/** PEP 503 normalized name: runs of `-`, `_`, `.` become one `-`, lower case. */
export function normalizePythonName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** A valid PEP 508 distribution name (letters, digits, `-_.`, starting and ending alphanumeric). */
export function isPythonName(name: string): boolean {
  return /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/.test(name);
}

/** purl of a Python distribution; the name is PEP 503 normalized, an empty version is left out. */
export function pypiPurl(name: string, version: string): string {
  return purlOf("pypi", undefined, normalizePythonName(name), version || undefined);
}

/**
 * Name and version from a distribution file name: a wheel (`name-1.0-py3-none-any.whl`) or an
 * sdist (`name-1.0.tar.gz`, `.zip`); undefined when the name is not one of these.
 */
export function distributionOfFileName(fileName: string): { name: string; version: string } | undefined {
  const base = decodeSafely(fileName.split(/[?#]/)[0]?.split("/").pop() ?? "");
  const wheel = /^([A-Za-z0-9][A-Za-z0-9._]*?)-([0-9][^-]*)-(?:[0-9][^-]*-)?[^-]+-[^-]+-[^-]+\.whl$/.exec(base);
  if (wheel?.[1] && wheel[2]) return { name: wheel[1], version: wheel[2] };
  const sdist = /^([A-Za-z0-9][A-Za-z0-9._-]*?)-([0-9][A-Za-z0-9.!+_]*)\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip)$/.exec(base);
  if (sdist?.[1] && sdist[2]) return { name: sdist[1], version: sdist[2] };
  return undefined;
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
