import { describe, expect, it } from "vitest";
import type { CallbackConfig } from "../../../src/config/source-schema.js";
import { callbackUrlOf } from "../../../src/ingress/callback-url.js";
import { isPrivateAddress } from "../../../src/contracts/public-address.js";
import { HttpError } from "../../../src/ingress/http-error.js";

const base: CallbackConfig = { allowRequestUrl: true, allowHttp: false, allowPrivate: false, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" };

const refusal = async (config: CallbackConfig, header: string | undefined) => {
  const result = await callbackUrlOf(config, header);
  return result instanceof HttpError ? `${result.status} ${result.code}` : result;
};

describe("callback URLs", () => {
  it("counts private, loopback, link-local, shared and reserved addresses (IPv4-mapped too) as private", () => {
    for (const address of [
      "10.0.0.1",
      "127.0.0.1",
      "169.254.169.254",
      "172.31.1.1",
      "192.168.1.1",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "not-an-ip",
    ]) {
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    }
    for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
  });

  it("takes a public https URL from the caller, and refuses http, private hosts, credentials and junk", async () => {
    expect(await refusal(base, "https://8.8.8.8/hook?x=1")).toBe("https://8.8.8.8/hook?x=1");
    for (const url of [
      "http://8.8.8.8/hook",
      "https://127.0.0.1/",
      "https://[::1]/",
      "https://localhost/",
      "https://u:p@8.8.8.8/",
      "nonsense",
      "ftp://8.8.8.8/",
    ]) {
      expect([url, await refusal(base, url)]).toEqual([url, "400 invalid_callback_url"]);
    }
  });

  it("uses the configured URL when the caller gives none, and refuses a caller's URL unless allowed", async () => {
    expect(await refusal(base, undefined)).toBe("400 invalid_callback_url");
    const configured = { ...base, url: "http://10.0.0.9/hook", allowRequestUrl: false };
    expect(await refusal(configured, undefined)).toBe("http://10.0.0.9/hook");
    expect(await refusal(configured, "https://8.8.8.8/")).toBe("400 invalid_callback_url");
  });

  it("lets an endpoint allow http and private addresses", async () => {
    expect(await refusal({ ...base, allowHttp: true, allowPrivate: true }, "http://127.0.0.1:9/x")).toBe("http://127.0.0.1:9/x");
  });
});
