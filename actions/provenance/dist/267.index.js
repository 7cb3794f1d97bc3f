export const id = 267;
export const ids = [267];
export const modules = {

/***/ 61267:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   fetchTrustedRootJSON: () => (/* binding */ fetchTrustedRootJSON)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var _peptide_core__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57775);
/* harmony import */ var _sigstore_tuf__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(84423);
/* harmony import */ var _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(19654);
/* harmony import */ var _tuf_cache_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(38020);
/**
 * The trusted root through TUF: Sigstore's public-good repository (its root.json is embedded in
 * @sigstore/tuf) or a private mirror with an initial root.json of its own. Loaded lazily by
 * trusted-root.ts so verifying against a file never loads the TUF client.
 */






/** Network failures, as Node and make-fetch-happen report them. */
const NETWORK_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "FETCH_ERROR"];
const NETWORK_TEXT = new RegExp(`${NETWORK_CODES.join("|")}|network timeout|request to \\S+ failed`);
/**
 * Fetches trusted_root.json through TUF, as JSON (the caller checks it as any trusted root).
 * When the mirror cannot be reached, falls back to the cached metadata if it is still fresh
 * (TUF's expiry rules apply); otherwise throws NETWORK_UNREACHABLE.
 */
async function fetchTrustedRootJSON(options = {}) {
    const mirrorURL = (options.mirrorUrl ?? _sigstore_tuf__WEBPACK_IMPORTED_MODULE_2__.DEFAULT_MIRROR_URL).replace(/\/+$/, "");
    let url;
    try {
        url = new URL(mirrorURL);
    }
    catch (cause) {
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_INVALID", `${mirrorURL}: not a TUF mirror URL (expected https://host/path)`, { cause });
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_INVALID", `${mirrorURL}: a TUF mirror URL must be http(s)`);
    const cachePath = options.cacheDir ?? (0,_tuf_cache_js__WEBPACK_IMPORTED_MODULE_4__/* .defaultTufCacheDir */ .a)();
    if (options.rootPath !== undefined)
        await checkInitialRoot(options.rootPath);
    const fetchOnce = async (forceCache) => (0,_sigstore_tuf__WEBPACK_IMPORTED_MODULE_2__.getTrustedRoot)({ mirrorURL, cachePath, rootPath: options.rootPath, forceCache, retry: { retries: 2, minTimeout: 100, maxTimeout: 1000 }, timeout: 5000 });
    let root;
    let cached = options.forceCache === true;
    try {
        root = await fetchOnce(cached);
    }
    catch (first) {
        if (!cached && isNetworkError(first)) {
            cached = true;
            try {
                root = await fetchOnce(true);
            }
            catch {
                throw unreachable(mirrorURL, cachePath, first);
            }
        }
        else {
            throw tufFailure(mirrorURL, options, cachePath, first);
        }
    }
    return { json: _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_3__.TrustedRoot.toJSON(root), name: `trusted root from TUF ${mirrorURL}${cached ? " (cached)" : ""}` };
}
/** The initial root must at least look like one, so a wrong file is named rather than reported as a TUF failure. */
async function checkInitialRoot(rootPath) {
    const text = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(rootPath, "utf8").catch((cause) => {
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_NOT_FOUND", `${rootPath}: initial TUF root.json cannot be read; check the --tuf-root path`, { cause });
    });
    let json;
    try {
        json = JSON.parse(text);
    }
    catch (cause) {
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_INVALID", `${rootPath}: initial TUF root.json is not valid JSON`, { cause });
    }
    const signed = typeof json === "object" && json !== null ? json.signed : undefined;
    if (typeof signed !== "object" || signed === null || signed._type !== "root") {
        throw new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_INVALID", `${rootPath}: not a TUF root.json (expected signed._type "root"); a Sigstore trusted_root.json goes to --trusted-root`);
    }
}
function unreachable(mirrorURL, cachePath, cause) {
    const code = networkCode(cause);
    return new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("NETWORK_UNREACHABLE", `cannot reach the TUF mirror ${mirrorURL}${code ? ` (${code})` : ""} and no fresh cached metadata in ${cachePath}; for air-gapped use pass --trusted-root FILE`, { cause });
}
function tufFailure(mirrorURL, options, cachePath, cause) {
    if (isNetworkError(cause))
        return unreachable(mirrorURL, cachePath, cause);
    if (cause instanceof _sigstore_tuf__WEBPACK_IMPORTED_MODULE_2__.TUFError && cause.code === "TUF_INIT_CACHE_ERROR") {
        return new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz("INPUT_INVALID", `no initial root.json is known for the TUF mirror ${mirrorURL}; pass --tuf-root FILE with the mirror's root.json`, { cause });
    }
    const status = statusOf(cause);
    if (status !== undefined) {
        return new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .PeptideError */ ._6("TRUSTED_ROOT_TUF_FAILED", `the TUF mirror ${mirrorURL} answered HTTP ${status}${status === 404 ? " (is it a TUF repository?)" : ""}`, { cause });
    }
    const from = options.rootPath !== undefined ? ` (initial root ${options.rootPath})` : "";
    return new _peptide_core__WEBPACK_IMPORTED_MODULE_1__/* .PeptideError */ ._6("TRUSTED_ROOT_TUF_FAILED", `the TUF repository ${mirrorURL}${from} was refused: ${innermostMessage(cause)}`, { cause });
}
/** The chain of causes, outermost first. */
function causes(error) {
    const chain = [];
    for (let current = error; current !== undefined && current !== null && chain.length < 10; current = current.cause)
        chain.push(current);
    return chain;
}
function networkCode(error) {
    for (const link of causes(error)) {
        const code = link.code;
        if (typeof code === "string" && NETWORK_CODES.includes(code) && code !== "FETCH_ERROR")
            return code;
        const text = link instanceof Error ? link.message : String(link);
        const match = NETWORK_CODES.find((c) => c !== "FETCH_ERROR" && text.includes(c));
        if (match)
            return match;
    }
    return undefined;
}
function isNetworkError(error) {
    return causes(error).some((link) => {
        const code = link.code;
        if (typeof code === "string" && NETWORK_CODES.includes(code))
            return true;
        if (link.name === "FetchError")
            return true;
        return NETWORK_TEXT.test(link instanceof Error ? link.message : String(link));
    });
}
function statusOf(error) {
    for (const link of causes(error)) {
        const status = link.statusCode;
        if (typeof status === "number")
            return status;
    }
    return undefined;
}
function innermostMessage(error) {
    const chain = causes(error);
    const last = chain[chain.length - 1];
    const text = last instanceof Error ? last.message : String(last);
    // tuf-js wraps some failures as text ("Unable to load targets error UnsignedMetadataError: …").
    return text.replace(/^Unable to load \w+ (?:metadata )?error /, "").replace(/\s+/g, " ").trim();
}
//# sourceMappingURL=tuf.js.map

/***/ })

};
