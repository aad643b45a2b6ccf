import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One message as the server received it, with what a test reads decoded. */
export interface CapturedEmail {
  readonly from: string;
  /** Envelope recipients (RCPT TO), which is who actually gets it. */
  readonly rcptTo: readonly string[];
  /** Header names in lower case, values unfolded and decoded. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  /** The plain-text body, decoded, with \n line ends. */
  readonly text: string;
  readonly raw: string;
  /** The user that logged in for it, if any. */
  readonly user: string | undefined;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>`, with `user:pass@` when the capture requires a login. */
  readonly url: string;
  readonly port: number;
  readonly messages: CapturedEmail[];
  /** Messages refused while failing (MAIL FROM answered with the failure code). */
  readonly refused: number;
  /** Resolves with the first `count` messages, or rejects after `ms`. */
  waitFor(count: number, ms?: number): Promise<CapturedEmail[]>;
  /** Refuses every message with this SMTP code (451 temporary, 550 permanent); undefined accepts again. */
  failWith(code: 451 | 550 | 421 | undefined): void;
  /** Stops listening: clients get ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** Require this login (over plain SMTP, as a local relay might). */
  readonly auth?: { readonly user: string; readonly pass: string };
}

/** A real SMTP server on 127.0.0.1, in-process, recording what it receives. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = [];
  const waiters = new Set<() => void>();
  let failure: number | undefined;
  let refused = 0;
  let server = build();
  const port = await listen(server, 0);

  function build(): SMTPServer {
    return new SMTPServer({
      logger: false,
      disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      closeTimeout: 1000,
      onAuth(auth, _session, callback) {
        const expected = options.auth;
        if (expected && auth.username === expected.user && auth.password === expected.pass) return callback(null, { user: auth.username });
        callback(smtpError("authentication failed", 535));
      },
      onMailFrom(_address, _session, callback) {
        if (failure === undefined) return callback();
        refused += 1;
        callback(smtpError(failure >= 500 ? "mailbox unavailable" : "try again later", failure));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          const envelope = session.envelope;
          messages.push({
            ...parseMessage(raw),
            from: envelope.mailFrom ? envelope.mailFrom.address : "",
            rcptTo: envelope.rcptTo.map((r) => r.address),
            raw,
            user: typeof session.user === "string" ? session.user : undefined,
          });
          waiters.forEach((wake) => wake());
          callback();
        });
      },
    });
  }

  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    messages,
    get refused() {
      return refused;
    },
    waitFor(count, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} emails within ${ms} ms, got ${messages.length}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    failWith(code) {
      failure = code;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
    async restart() {
      server = build();
      await listen(server, port);
    },
  };
}

function listen(server: SMTPServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.server.address() as AddressInfo).port));
  });
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** Just enough of RFC 5322/2045/2047 for the single-part text emails the alerter sends. */
export function parseMessage(raw: string): { headers: Map<string, string>; subject: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? "" : raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  let text = body;
  if (encoding === "quoted-printable") text = decodeQuotedPrintable(body);
  else if (encoding === "base64") text = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return { headers, subject: headers.get("subject") ?? "", text: text.replace(/\r\n/g, "\n").replace(/\n$/, "") };
}

function decodeQuotedPrintable(body: string): string {
  // Through percent-encoding so multi-byte UTF-8 survives; a literal % is escaped first.
  const percent = body
    .replace(/%/g, "%25")
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/gi, "%$1");
  return decodeURIComponent(percent);
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQuotedPrintable(data.replace(/_/g, " ")),
    );
}
