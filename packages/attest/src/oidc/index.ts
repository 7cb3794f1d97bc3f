export { githubClaims, verifyGitHubToken, type GitHubClaims } from "./claims.js";
export { OidcError, type OidcErrorCode } from "./errors.js";
export { GITHUB_ACTIONS_ISSUER, githubIssuer, issuerMatches } from "./issuer.js";
export { candidateKeys, fetchIssuerKeys, type FetchKeysOptions, type JsonWebKeySet, type SigningAlgorithm } from "./jwks.js";
export { requestIdToken, type RequestTokenOptions } from "./request.js";
export { decodeJwt, type DecodedJwt } from "./jwt.js";
export { verifyIdToken, type VerifyTokenOptions } from "./verify.js";
