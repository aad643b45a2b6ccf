import { describe, expect, it } from "vitest";
import { excerpt, Scrubber } from "../../../src/adapters/scrub.js";

describe("Scrubber", () => {
  it("blanks configured and learned secrets, also base64-encoded", () => {
    const scrubber = new Scrubber(["client-secret-1"]);
    scrubber.add("access-token-xyz");
    const basic = Buffer.from("client-secret-1").toString("base64");
    expect(scrubber.scrub(`a client-secret-1 b access-token-xyz c ${basic}`)).toBe("a [redacted] b [redacted] c [redacted]");
  });

  it("blanks bearer/basic credentials and token-like JSON members it was not told about", () => {
    const scrubber = new Scrubber();
    expect(scrubber.scrub("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc")).toBe("Authorization: Bearer [redacted]");
    expect(scrubber.scrub('{"refresh_token":"AB11-xyz","ok":1}')).toBe('{"refresh_token":"[redacted]","ok":1}');
    expect(scrubber.scrub("client_secret=hunter22&x=1")).toBe('client_secret="[redacted]"&x=1');
  });

  it("ignores values too short to be credentials", () => {
    expect(new Scrubber(["ab", undefined, ""]).scrub("ab cd")).toBe("ab cd");
  });
});

describe("excerpt", () => {
  it("flattens whitespace and marks an empty body", () => {
    expect(excerpt("a\n\n  b", new Scrubber())).toBe("a b");
    expect(excerpt("  ", new Scrubber())).toBe("(empty body)");
  });
  it("cuts long bodies", () => {
    expect(excerpt("y".repeat(500), new Scrubber(), 10)).toBe(`${"y".repeat(10)}…`);
  });
});

describe("Scrubber: Authorization headers", () => {
  it("blanks an Authorization header of any scheme", () => {
    expect(new Scrubber().scrub('{"Authorization":"ApiKey abc123456789"}')).toBe('{"Authorization":"[redacted]"}');
    expect(new Scrubber().scrub("authorization: Basic dXNlcjpwYXNzd29yZA==")).toBe("authorization: Basic [redacted]");
  });
});
