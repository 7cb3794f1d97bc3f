export const id = 581;
export const ids = [581];
export const modules = {

/***/ 93581:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  buildSigningSession: () => (/* binding */ buildSigningSession)
});

// EXTERNAL MODULE: ./node_modules/@sigstore/sign/dist/index.js
var dist = __webpack_require__(15179);
// EXTERNAL MODULE: ./packages/core/dist/index.js + 4 modules
var core_dist = __webpack_require__(57775);
// EXTERNAL MODULE: ./packages/attest/dist/types.js
var types = __webpack_require__(2457);
// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var bundle_dist = __webpack_require__(61040);
;// CONCATENATED MODULE: ./packages/attest/dist/sign/bundle-json.js
/**
 * The JSON form of a bundle with every list present. `bundleToJSON` follows the protobuf JSON
 * mapping and leaves out empty lists and zero values (no `tlogEntries` key when there is no log
 * entry, no inclusion-proof `logIndex` when it is 0); readers that index into the document
 * without the protobuf defaults (scripts, JSON-schema checks, some verifiers) trip on that.
 * Writing the defaults out is valid protobuf JSON too.
 */

function bundleToExplicitJSON(bundle) {
    const json = (0,bundle_dist.bundleToJSON)(bundle);
    const material = json.verificationMaterial;
    material.tlogEntries = (material.tlogEntries ?? []).map((entry) => entry.inclusionProof
        ? { ...entry, inclusionProof: { ...entry.inclusionProof, logIndex: entry.inclusionProof.logIndex ?? "0", hashes: entry.inclusionProof.hashes ?? [] } }
        : entry);
    material.timestampVerificationData = { rfc3161Timestamps: material.timestampVerificationData?.rfc3161Timestamps ?? [] };
    return json;
}
//# sourceMappingURL=bundle-json.js.map
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
;// CONCATENATED MODULE: ./packages/attest/dist/sign/caching-signer.js
/**
 * A Signer for a whole run: one identity token, one ephemeral P-256 key and one Fulcio
 * certificate serve every signature, instead of @sigstore/sign's FulcioSigner asking for a token
 * and a certificate per signature. The certificate comes from FulcioSigner itself (its client,
 * proof of possession and retries); later signatures reuse it and the key. A new token, key and
 * certificate are fetched only when the certificate would expire within `renewBeforeMs` (Fulcio
 * certificates last 10 minutes), so a signature is never made with a certificate that will have
 * expired by the time the log or TSA witnesses it.
 */


class CachingFulcioSigner {
    options;
    stats = { identityTokens: 0, certificates: 0, signatures: 0 };
    /** Every token read so far, to scrub from errors. */
    tokens = [];
    pending;
    current;
    constructor(options) {
        this.options = options;
    }
    async sign(data) {
        const credential = await this.credential();
        this.stats.signatures += 1;
        return {
            signature: (0,external_node_crypto_.sign)("sha256", data, credential.privateKey),
            key: { $case: "x509Certificate", certificate: credential.certificate },
        };
    }
    /** Gets the identity token and the certificate now, ahead of the first signature (nothing is signed or logged). */
    async prepare() {
        await this.credential();
    }
    /** The certificate (PEM) in use, once the first signature asked for it. */
    get certificate() {
        return this.current?.certificate;
    }
    credential() {
        const renewBefore = this.options.renewBeforeMs ?? 120_000;
        if (this.current && this.current.notAfter - Date.now() > renewBefore)
            return Promise.resolve(this.current);
        if (!this.pending) {
            this.pending = this.issue().then((credential) => {
                this.current = credential;
                this.pending = undefined;
                return credential;
            }, (error) => {
                this.pending = undefined;
                throw error;
            });
        }
        return this.pending;
    }
    async issue() {
        const token = await this.options.identityProvider.getToken();
        this.stats.identityTokens += 1;
        this.tokens.push(token);
        this.options.onIdentityToken?.(token);
        const { privateKey, publicKey } = (0,external_node_crypto_.generateKeyPairSync)("ec", { namedCurve: "P-256" });
        const publicPEM = publicKey.export({ format: "pem", type: "spki" }).toString();
        const keyHolder = {
            sign: (data) => Promise.resolve({ signature: (0,external_node_crypto_.sign)("sha256", data, privateKey), key: { $case: "publicKey", publicKey: publicPEM } }),
        };
        const fulcio = new dist/* FulcioSigner */.$o({
            fulcioBaseURL: this.options.fulcioURL,
            identityProvider: { getToken: () => Promise.resolve(token) },
            keyHolder,
            ...(this.options.retry !== undefined ? { retry: this.options.retry } : {}),
            ...(this.options.timeoutMs !== undefined ? { timeout: this.options.timeoutMs } : {}),
        });
        // FulcioSigner signs the probe with keyHolder and returns the certificate it obtained.
        const probe = await fulcio.sign(Buffer.alloc(0));
        if (probe.key.$case !== "x509Certificate")
            throw new Error("fulcio answered without a certificate");
        this.stats.certificates += 1;
        const notAfter = Date.parse(new external_node_crypto_.X509Certificate(probe.key.certificate).validTo);
        return { privateKey, certificate: probe.key.certificate, notAfter };
    }
}
//# sourceMappingURL=caching-signer.js.map
// EXTERNAL MODULE: ./packages/attest/dist/sign/errors.js
var errors = __webpack_require__(27377);
// EXTERNAL MODULE: ./packages/attest/dist/sign/identity.js
var identity = __webpack_require__(13816);
// EXTERNAL MODULE: ./packages/attest/dist/sign/instances.js
var instances = __webpack_require__(95424);
;// CONCATENATED MODULE: ./packages/attest/dist/sign/message-bundle.js
/**
 * Message-signature bundles v0.3. @sigstore/sign's MessageSignatureBundleBuilder always packages
 * a v0.2 bundle (`x509CertificateChain`); v0.3 carries the leaf alone in
 * `verificationMaterial.certificate`, as the DSSE builder does with `certificateChain: false`.
 */



class MessageSignatureV03BundleBuilder extends dist/* MessageSignatureBundleBuilder */.z3 {
    package(artifact, signature) {
        if (signature.key.$case !== "x509Certificate")
            throw new Error("message signatures here are keyless: expected a certificate");
        return Promise.resolve((0,bundle_dist.toMessageSignatureBundle)({
            digest: (0,external_node_crypto_.createHash)("sha256").update(artifact.data).digest(),
            signature: signature.signature,
            certificate: pemToDER(signature.key.certificate),
            certificateChain: false,
        }));
    }
}
function pemToDER(pem) {
    return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
}
//# sourceMappingURL=message-bundle.js.map
// EXTERNAL MODULE: ./packages/attest/dist/sign/retry.js
var sign_retry = __webpack_require__(59770);
// EXTERNAL MODULE: ./packages/attest/dist/sign/session.js
var session = __webpack_require__(6628);
;// CONCATENATED MODULE: ./packages/attest/dist/sign/session-build.js











async function buildSigningSession(options) {
    const endpoints = await (0,instances/* resolveEndpoints */.$)(options);
    const retry = options.retry ?? sign_retry/* DEFAULT_RETRY */.v;
    const timeout = options.timeoutMs ?? sign_retry/* DEFAULT_TIMEOUT_MS */.t;
    const signer = new CachingFulcioSigner({
        fulcioURL: endpoints.fulcioURL,
        identityProvider: (0,identity/* identityProviderFrom */.i)(options),
        retry,
        timeoutMs: timeout,
        ...(options.renewBeforeMs !== undefined ? { renewBeforeMs: options.renewBeforeMs } : {}),
        ...(options.onIdentityToken ? { onIdentityToken: options.onIdentityToken } : {}),
    });
    const witnesses = [
        ...endpoints.tlogs.map((tlog) => new dist/* RekorWitness */.fU({ rekorBaseURL: tlog.url, majorApiVersion: tlog.majorApiVersion, fetchOnConflict: true, retry, timeout })),
        ...endpoints.tsaURLs.map((url) => new dist/* TSAWitness */.gs({ tsaBaseURL: url, retry, timeout })),
    ];
    const dsse = new dist/* DSSEBundleBuilder */.VV({ signer, witnesses, certificateChain: false });
    const message = new MessageSignatureV03BundleBuilder({ signer, witnesses });
    const counts = { tlogEntries: 0, timestamps: 0 };
    const concurrency = Math.max(1, options.concurrency ?? 8);
    const create = async (builder, data, type) => {
        let bundle;
        try {
            bundle = await builder.create(type === undefined ? { data } : { data, type });
        }
        catch (error) {
            throw (0,errors/* toSignError */.P)(error, signer.tokens);
        }
        counts.tlogEntries += bundle.verificationMaterial.tlogEntries.length;
        counts.timestamps += bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
        return bundleToExplicitJSON(bundle);
    };
    const signStatement = (statement) => {
        (0,session/* assertStatement */.WW)(statement);
        return create(dsse, Buffer.from(JSON.stringify(statement), "utf8"), types/* IN_TOTO_PAYLOAD_TYPE */.T4);
    };
    return {
        endpoints,
        get stats() {
            return { ...signer.stats, ...counts };
        },
        get certificate() {
            return signer.certificate;
        },
        prepare: () => signer.prepare().catch((error) => {
            throw (0,errors/* toSignError */.P)(error, signer.tokens);
        }),
        signStatement,
        signStatements: (statements) => {
            statements.forEach(session/* assertStatement */.WW);
            return (0,core_dist/* mapLimit */.sf)(statements, concurrency, signStatement);
        },
        signBlob: (bytes) => create(message, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    };
}
//# sourceMappingURL=session-build.js.map

/***/ })

};
