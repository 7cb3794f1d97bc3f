import { memoizeText } from "../memo.js";
import { scriptLines, stripComment, withoutExpressions, type ScriptLine } from "../taint/shell.js";

/**
 * Reading a script for code fetched from the network and run without an integrity check:
 * `curl | sh`, download-then-execute with no checksum or signature check in the same script,
 * package installs from bare URLs. `go install pkg@version` is not reported: the Go checksum
 * database verifies module content.
 */
export interface UnverifiedDownload {
  line: ScriptLine;
  kind: "pipe" | "execute" | "install-binary" | "package-url";
  /** The URL, or a short description when it is in a variable. */
  url: string;
  /** What runs it: `bash`, `./kubectl`, `dpkg -i`, `pip install`. */
  runner: string;
}

const FETCH = String.raw`\b(?:curl|wget|iwr|Invoke-WebRequest|Invoke-RestMethod|irm)\b`;
const SHELLS = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:/usr/bin/env\s+)?(?:/bin/|/usr/bin/)?(bash|sh|zsh|ksh|dash|python3?|perl|ruby|node|php|pwsh|iex|Invoke-Expression)\b`;
const PIPE_TO_SHELL = new RegExp(String.raw`${FETCH}[^|;&]*\|\s*${SHELLS}`, "i");
const SUBSTITUTED = new RegExp(String.raw`\b(bash|sh|zsh|source|\.|eval|iex|Invoke-Expression)\b\s*(?:-c\s+)?["(]*\s*(?:<\(|\$\()\s*${FETCH}`, "i");

/** Hashes, signatures and attestations: any of them in the script counts as verification. */
const VERIFY =
  /\bsha(?:256|384|512)sum\b|\bshasum\b|\bopenssl\s+(?:dgst|sha256)\b|\bGet-FileHash\b|\bcertutil\b[^\n]*-hashfile|\bgpgv?\b[^\n]*--verify|\bgpgv\b|\bcosign\s+verify(?:-blob|-attestation)?\b|\bgh\s+attestation\s+verify\b|\bslsa-verifier\b|\bminisign\b[^\n]*-V\b|\bsignify\b[^\n]*-V\b|\bsigstore\b[^\n]*verify|\bsha256\s*=|\b(?:checksum|hash)\s*(?:==|!=|=|-eq|-ne)/i;

/** A URL that names immutable content: a commit SHA in its path, or a local test server. */
function immutable(url: string): boolean {
  return /\/[0-9a-f]{40}\//.test(url) || /^https?:\/\/(?:localhost|127\.0\.0\.1)[:/]/.test(url);
}

function urlIn(text: string): string {
  const m = /https?:\/\/[^\s"'|)]+/.exec(text);
  return m ? m[0] : "a downloaded script";
}

/** The files a download command writes: `-o f`, `--output f`, `-O` (the URL's basename), `wget URL`, `-OutFile f`. */
function downloadedFiles(code: string): string[] {
  const curl = /\bcurl\b/.test(code);
  const wget = /\bwget\b/.test(code);
  const ps = /\b(?:iwr|Invoke-WebRequest|Invoke-RestMethod|irm)\b/i.test(code);
  const gh = /\bgh\s+release\s+download\b/.test(code);
  if (!curl && !wget && !ps && !gh) return [];
  // curl -o f / -fsSLo f / --output f; wget -O f / -qO f / --output-document f; pwsh -OutFile f; gh -O f
  const output = curl
    ? /\s(?:-[a-zA-Z]*o\s*|--output[=\s]+)["']?([^\s"';|&]+)/g
    : wget
      ? /\s(?:-[a-zA-Z]*O\s*|--output-document[=\s]+)["']?([^\s"';|&]+)/g
      : ps
        ? /\s-OutFile\s+["']?([^\s"';|&]+)/gi
        : /\s(?:-O|--output)[=\s]+["']?([^\s"';|&]+)/g;
  const files: string[] = [];
  for (const m of code.matchAll(output)) {
    if (m[1] && m[1] !== "-" && !m[1].startsWith("/dev/")) files.push(m[1]);
  }
  const url = /https?:\/\/[^\s"'|)]+/.exec(code)?.[0];
  // curl -O / -LO / --remote-name and a plain `wget URL` write the URL's basename
  const remoteName = curl ? /\s-[a-zA-Z]*O[a-zA-Z]*(?:\s|$)|--remote-name\b/.test(` ${code} `) : wget && files.length === 0 && !/\|/.test(code);
  if (url && remoteName) {
    const base = url.replace(/[?#].*$/, "").split("/").pop();
    if (base) files.push(base);
  }
  return files.map((f) => f.replace(/^\.\//, ""));
}

const BIN_DIR = String.raw`(?:/usr/local/bin|/usr/bin|/opt/[\w.-]+/bin|\$HOME/(?:\.local/)?bin|~/(?:\.local/)?bin|\$\{?GITHUB_WORKSPACE\}?/bin|\$\{?RUNNER_TEMP\}?/bin)`;

/** How a later line runs a downloaded file, if it does. */
function executes(code: string, file: string): string | undefined {
  const base = file.split("/").pop()!;
  // Each form names the file (case-sensitively, but for two) and a command of its own: a form
  // whose words are missing from the line is not compiled or tried.
  const named = code.includes(base);
  for (let i = 0; i < RUN_FORMS.length; i++) {
    const form = RUN_FORMS[i]!;
    if (form.needs instanceof RegExp ? !form.needs.test(code) : !named || !form.needs.some((word) => code.includes(word))) continue;
    const m = runForm(i, file).exec(code);
    if (m) return (typeof form.what === "string" ? form.what : form.what(base)).replace("$1", m[1] ?? "");
  }
  return undefined;
}

interface RunForm {
  /** Words the form cannot match without (besides the file name), or a test for a case-insensitive form. */
  needs: readonly string[] | RegExp;
  /** The regular expression for a file, from its escaped base name and a path ending in it. */
  build: (name: string, path: string) => RegExp;
  /** For the message; `$1` is the form's first group. */
  what: string | ((base: string) => string);
}

const RUN_FORMS: readonly RunForm[] = [
  { needs: ["/"], build: (name) => new RegExp(String.raw`(?:^|[;&|]\s*|\b(?:sudo|then|do|exec)\s+)(?:\./|/)\S*${name}\b`), what: (base) => `runs ./${base}` },
  { needs: ["sh", "source", "python", "perl", "ruby", "node"], build: (_, path) => new RegExp(String.raw`\b(bash|sh|zsh|source|python3?|perl|ruby|node|pwsh)\s+(?:-\S+\s+)*["']?${path}`), what: "runs it with $1" },
  { needs: ["chmod"], build: (_, path) => new RegExp(String.raw`\bchmod\s+(?:\+x|[0-7]*[157][0-7]*|u\+x|a\+x)\s+["']?${path}`), what: "makes it executable" },
  { needs: ["dpkg"], build: (_, path) => new RegExp(String.raw`\bdpkg\s+-i\s+["']?${path}`), what: "installs it with dpkg -i" },
  { needs: ["apt"], build: (_, path) => new RegExp(String.raw`\bapt(?:-get)?\s+install\b[^;&|]*\s["']?\.?/?${path}`), what: "installs it with apt" },
  { needs: ["rpm"], build: (_, path) => new RegExp(String.raw`\brpm\s+-[iU]\w*\s+["']?${path}`), what: "installs it with rpm" },
  { needs: ["installer"], build: (_, path) => new RegExp(String.raw`\binstaller\s+-pkg\s+["']?${path}`), what: "installs it with installer" },
  { needs: /msiexec/i, build: (_, path) => new RegExp(String.raw`\bmsiexec\b[^;&|]*${path}`, "i"), what: "installs it with msiexec" },
  { needs: /Start-Process/i, build: (_, path) => new RegExp(String.raw`\bStart-Process\b[^;&|]*${path}`, "i"), what: "starts it" },
  { needs: ["pip"], build: (_, path) => new RegExp(String.raw`\bpip3?\s+install\s+(?:-\S+\s+)*["']?${path}`), what: "installs it with pip" },
  { needs: ["tar"], build: (_, path) => new RegExp(String.raw`\btar\b[^;&|]*${path}[^;&|]*-C\s+["']?${BIN_DIR}|\btar\b[^;&|]*-C\s+["']?${BIN_DIR}[^;&|]*${path}`), what: "unpacks it into a bin directory" },
  { needs: ["mv", "cp", "install"], build: (_, path) => new RegExp(String.raw`\b(?:mv|cp|install)\b[^;&|]*${path}[^;&|]*\s["']?${BIN_DIR}`), what: "installs it into a bin directory" },
];

/** Form `index` compiled for `file`, once. */
function runForm(index: number, file: string): RegExp {
  return compiledForm(`${index} ${file}`);
}

const compiledForm = memoizeText((key: string): RegExp => {
  const space = key.indexOf(" ");
  const file = key.slice(space + 1);
  const name = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").split("/").pop()!;
  return RUN_FORMS[Number(key.slice(0, space))]!.build(name, String.raw`(?:\S*/)?${name}\b`);
}, 5000);

const IN_BIN_DIR = new RegExp(`^${BIN_DIR}/`);

/**
 * Every form below needs one of these; a script without any is skipped at once. (`download`, not
 * `gh release download`: a continuation line can split the command between its words.)
 */
const MAY_DOWNLOAD = /curl|wget|\biwr\b|\birm\b|invoke-|download|https?:/i;

/** Unverified downloads in a `run:` script. */
export function unverifiedDownloads(script: string): UnverifiedDownload[] {
  if (!MAY_DOWNLOAD.test(script)) return [];
  const out: UnverifiedDownload[] = [];
  const lines = scriptLines(script);
  const verified = VERIFY.test(script);
  const downloads: Array<{ file: string; url: string; line: ScriptLine }> = [];
  const archives: Array<{ url: string; line: ScriptLine; extracted: boolean; file?: string }> = [];
  for (const line of lines) {
    const code = withoutExpressions(stripComment(line.text));
    if (!code.trim()) continue;
    if (!verified) {
      const installed = archiveInstall(code, line, archives);
      if (installed && !out.some((o) => o.url === installed.url)) out.push(installed);
    }
    const pipe = PIPE_TO_SHELL.exec(code) ?? SUBSTITUTED.exec(code);
    if (pipe) {
      const url = urlIn(code);
      if (!immutable(url)) out.push({ line, kind: "pipe", url, runner: pipe[1] ?? "a shell" });
      continue;
    }
    const pkg = packageUrl(code);
    if (pkg) {
      out.push({ line, kind: "package-url", url: pkg.url, runner: pkg.runner });
      continue;
    }
    for (const file of downloadedFiles(code)) downloads.push({ file, url: urlIn(code), line });
    // a download straight into a bin directory (curl -Lo /usr/local/bin/tool) is an install
    if (!verified && downloads.length > 0) {
      for (const d of downloads) {
        if (d.line === line && IN_BIN_DIR.test(d.file) && !immutable(d.url) && !out.some((o) => o.line === line)) {
          out.push({ line, kind: "install-binary", url: d.url, runner: `writes it to ${d.file}` });
        }
      }
    }
    if (verified) continue;
    for (const d of downloads) {
      if (immutable(d.url) || out.some((o) => o.url === d.url && o.kind !== "pipe")) continue;
      // on the download's own line, only what comes after the file name (curl -o x.sh URL && bash x.sh)
      const rest = d.line === line ? code.slice(code.indexOf(d.file) + d.file.length) : code;
      const what = executes(rest, d.file);
      if (what) out.push({ line: d.line, kind: /bin directory/.test(what) ? "install-binary" : "execute", url: d.url, runner: what });
    }
  }
  return out;
}

/** `pip install https://...` (no `#sha256=`), `pip install git+https://...` (no commit), `npm install https://....tgz`. */
function packageUrl(code: string): { url: string; runner: string } | undefined {
  if (/--require-hashes\b/.test(code)) return undefined;
  const pip = /\b(pip3?|uv\s+pip|pipx)\s+install\b[^;&|]*?\s["']?((?:git\+)?https?:\/\/[^\s"']+)/.exec(code);
  if (pip && pip[2]) {
    const url = pip[2];
    const pinned = /#sha(?:256|384|512)=[0-9a-f]+/i.test(url) || /@[0-9a-f]{40}\b/.test(url) || immutable(url);
    if (!pinned) return { url, runner: `${pip[1]} install` };
  }
  const npm = /\b(npm|pnpm|yarn)\s+(?:install|i|add)\b[^;&|]*?\s["']?((?:git\+)?https?:\/\/[^\s"']+)/.exec(code);
  if (npm && npm[2]) {
    const url = npm[2];
    const pinned = /#[0-9a-f]{40}\b/.test(url) || /\/[0-9a-f]{40}\//.test(url) || immutable(url);
    if (!pinned) return { url, runner: `${npm[1]} install` };
  }
  return undefined;
}

const ARCHIVE = /\.(?:tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tar\.zst|tar|zip)$/i;
const PIPE_TO_UNPACK = new RegExp(`${FETCH}[^|;&]*\\|\\s*(?:sudo\\s+)?(?:tar|bsdtar|unzip)\\b`, "i");
const INSTALLS = new RegExp(String.raw`\bchmod\s+(?:\+x|[0-7]*[157][0-7]*|u\+x|a\+x)\s|\b(?:mv|cp|install)\b[^;&|]*\s["']?(?:${BIN_DIR}|(?:\./)?bin)/?["']?(?:\s|$)`);
/** `tar`/`unzip` of an archive by its file name, compiled once per name. */
const unpacks = memoizeText((name: string) => new RegExp(`\\b(?:tar|bsdtar|unzip)\\b[^;&|]*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), 1000);

/**
 * An archive downloaded and unpacked (`curl -LO x.tgz; tar xf x.tgz`, `curl URL | tar xz`), then a
 * file made executable or moved into a bin directory: an install of whatever the archive held.
 */
function archiveInstall(code: string, line: ScriptLine, archives: Array<{ url: string; line: ScriptLine; extracted: boolean; file?: string }>): UnverifiedDownload | undefined {
  if (PIPE_TO_UNPACK.test(code)) {
    archives.push({ url: urlIn(code), line, extracted: true });
  } else {
    for (const file of downloadedFiles(code)) if (ARCHIVE.test(file)) archives.push({ url: urlIn(code), line, extracted: false, file });
  }
  for (const a of archives) {
    const name = a.file?.split("/").pop();
    if (!a.extracted && name && code.includes(name) && (code.includes("tar") || code.includes("unzip")) && unpacks(name).test(code)) a.extracted = true;
  }
  if (!INSTALLS.test(code)) return undefined;
  const source = archives.find((a) => a.extracted && !immutable(a.url));
  return source ? { line: source.line, kind: "install-binary", url: source.url, runner: "unpacks it and installs what it holds" } : undefined;
}
