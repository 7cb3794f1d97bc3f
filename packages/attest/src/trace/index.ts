export { traceChain, traceImage } from "./trace.js";
export { formatTraceText } from "./text.js";
export { traceMarkdown, markdownText } from "./markdown.js";
export { traceMermaid, mermaidText } from "./mermaid.js";
export type { EnvironmentFact, LinkName, SignatureFact, Trace, TraceLink, TracedChain } from "./types.js";
