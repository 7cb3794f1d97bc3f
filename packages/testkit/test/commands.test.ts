import { describe, expect, it } from "vitest";
import { inputEnvName, manifestFromText, parseFileCommands, parseWorkflowCommands, sampleEvent, SAMPLE_EVENTS } from "@peptide/testkit";

describe("parseFileCommands", () => {
  it("reads name=value lines and heredoc blocks, CRLF too", () => {
    const text = "a=1\r\n\r\nb<<EOF\r\nx\r\ny=z\r\nEOF\r\nc=\n";
    expect([...parseFileCommands(text)]).toEqual([["a", "1"], ["b", "x\ny=z"], ["c", ""]]);
  });

  it("fails like the runner on a missing delimiter or a bad line", () => {
    expect(() => parseFileCommands("a<<EOF\nvalue\n", "GITHUB_OUTPUT")).toThrow(/GITHUB_OUTPUT: matching delimiter not found "EOF"/);
    expect(() => parseFileCommands("just text\n")).toThrow(/invalid format/);
    expect(() => parseFileCommands("=1\n")).toThrow(/empty name/);
  });
});

describe("parseWorkflowCommands", () => {
  it("decodes %25 once, not twice", () => {
    expect(parseWorkflowCommands("::error::100%250A").annotations[0]?.message).toBe("100%0A");
  });

  it("ignores lines that only mention ::", () => {
    expect(parseWorkflowCommands("see ::error:: in docs\n::error\n").annotations).toEqual([]);
  });
});

describe("action manifests", () => {
  it("spells input variables as the runner does", () => {
    expect(inputEnvName("dry-run")).toBe("INPUT_DRY-RUN");
    expect(inputEnvName("My input")).toBe("INPUT_MY_INPUT");
  });

  it("keeps defaults as strings", () => {
    const m = manifestFromText("inputs:\n  a:\n    default: true\n  b:\n    default: 1.10\n    required: true\nruns:\n  using: node24\n");
    expect(m.inputs.get("a")).toEqual({ default: "true", required: false });
    expect(m.inputs.get("b")).toEqual({ default: "1.10", required: true });
    expect(m.main).toBe("dist/index.js");
  });
});

describe("sample events", () => {
  it.each(Object.keys(SAMPLE_EVENTS))("%s has a repository and a sender", (name) => {
    const event = sampleEvent(name, { repository: "acme/pay" });
    expect(event).toMatchObject({ repository: { full_name: "acme/pay", owner: { login: "acme" } }, sender: { login: "octocat" } });
  });

  it("refuses events it has no sample for", () => {
    expect(() => sampleEvent("merge_group")).toThrow(/no sample payload/);
  });
});
