import { describe, expect, it } from "vitest";
import { logText } from "../src/index.js";

describe("logText", () => {
  it("keeps text that came from outside from acting as a workflow command", () => {
    const hostile = "acme/pay\n::warning title=INJECTED::owned\n  ::add-mask::acme\n##[error]old style\r::error::cr";
    const lines = logText(hostile).split("\n");
    expect(lines).toEqual(["acme/pay", " ::warning title=INJECTED::owned", "   ::add-mask::acme", " ##[error]old style", " ::error::cr"]);
    for (const line of lines) expect(line).not.toMatch(/^(::|##\[)/);
  });

  it("shows control characters (ANSI escapes) as ? and leaves ordinary text alone", () => {
    expect(logText("\u001b[31mred\u001b[0m")).toBe("?[31mred?[0m");
    expect(logText("pass attestations: 2 of 2\tok")).toBe("pass attestations: 2 of 2\tok");
  });
});
