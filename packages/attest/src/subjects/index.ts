export { collectSubjects, type SubjectInputs, type SubjectOptions } from "./collect.js";
export { parseChecksums, readChecksumsFile } from "./checksums.js";
export { DIGEST_CHUNK_BYTES, sha256File, sha256Hex, sha256Stream, type DigestOptions } from "./digest.js";
export { expandBraces, expandGlob, globMatcher, isGlob } from "./glob.js";
export { imageSubject, isImageReference } from "./image.js";
