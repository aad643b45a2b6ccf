import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { createClientAddress, createClientKeys } from "../../../src/ingress/client-address.js";

/** A request as node:http hands it over: a socket address and maybe an X-Forwarded-For. */
function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    connection: { remoteAddress },
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
  } as unknown as IncomingMessage;
}

describe("the client address, as express's request.ip computes it", () => {
  it("TRUST_PROXY off: the socket's peer, whatever X-Forwarded-For claims", () => {
    expect(createClientAddress(false)(request("10.0.0.5", "203.0.113.9"))).toBe("10.0.0.5");
  });

  it("a hop count: that many proxies are believed", () => {
    expect(createClientAddress(1)(request("10.0.0.5", "203.0.113.9, 198.51.100.7"))).toBe("198.51.100.7");
    expect(createClientAddress(2)(request("10.0.0.5", "203.0.113.9, 198.51.100.7"))).toBe("203.0.113.9");
  });

  it("a list of subnets: only proxies inside them are believed", () => {
    const address = createClientAddress(["loopback", "10.0.0.0/8"]);
    expect(address(request("10.0.0.5", "203.0.113.9"))).toBe("203.0.113.9");
    expect(address(request("192.0.2.1", "203.0.113.9"))).toBe("192.0.2.1");
  });

  it("true: the left-most X-Forwarded-For address", () => {
    expect(createClientAddress(true)(request("10.0.0.5", "203.0.113.9, 198.51.100.7"))).toBe("203.0.113.9");
  });
});

describe("the rate limit's key for an address", () => {
  const key = createClientKeys();
  it("IPv4 as is, an IPv4-mapped IPv6 address as its IPv4, IPv6 as its /56", () => {
    expect(key("203.0.113.9")).toBe("203.0.113.9");
    expect(key("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(key("2001:db8:abcd:12ff:1:2:3:4")).toBe(key("2001:db8:abcd:1200::9"));
    expect(key("2001:db8:abcd:1300::1")).not.toBe(key("2001:db8:abcd:1200::1"));
  });
});
