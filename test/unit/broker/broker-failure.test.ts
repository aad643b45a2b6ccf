import { describe, expect, it } from "vitest";
import { brokerAddress, BrokerConnectError, describeBrokerFailure } from "../../../src/broker/broker-failure.js";

// The messages amqplib 2.3 gives against RabbitMQ 3.10 (checked against the shared broker).
const ACCESS_REFUSED = new Error(
  'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile."',
);
const VHOST_REFUSED = new Error("Expected ConnectionOpenOk; got <ConnectionClose channel:0>");
const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("why a broker connection failed", () => {
  it("calls a refused login a credentials refusal, naming user and host but not the password", () => {
    const failure = describeBrokerFailure(ACCESS_REFUSED, "amqp://router:s3cret@rabbit.internal:5672/prod?heartbeat=10");
    expect(failure).toMatchObject({ kind: "refused_credentials", code: "ACCESS_REFUSED" });
    expect(failure.message).toMatch(
      /^RabbitMQ at amqp:\/\/router@rabbit\.internal:5672\/prod refused the credentials \(ACCESS_REFUSED\): check the user and password in AMQP_URL/,
    );
    expect(failure.message).not.toContain("s3cret");
  });

  it("calls a refused connection.open a vhost refusal", () => {
    expect(describeBrokerFailure(VHOST_REFUSED, "amqp://guest:guest@127.0.0.1:5672/nope")).toMatchObject({
      kind: "refused_vhost",
      code: "NOT_ALLOWED",
    });
  });

  it("calls socket errors unreachable, with their code", () => {
    const failure = describeBrokerFailure(socketError("ENOTFOUND", "getaddrinfo ENOTFOUND rabit"), "amqp://guest:guest@rabit:5672");
    expect(failure).toEqual({
      kind: "unreachable",
      code: "ENOTFOUND",
      message: "could not reach RabbitMQ at amqp://guest@rabit:5672 (ENOTFOUND): is it running, and are AMQP_URL's host and port right?",
    });
  });

  it("gives the CLI exit code 78 for a refusal (fix the configuration) and 69 for an unreachable broker", () => {
    expect(new BrokerConnectError(describeBrokerFailure(ACCESS_REFUSED, "amqp://localhost")).exitCode).toBe(78);
    expect(new BrokerConnectError(describeBrokerFailure(socketError("ECONNREFUSED", "connect ECONNREFUSED"), "amqp://localhost")).exitCode).toBe(69);
  });

  it("shows amqplib's default user when the URL names none, and never a password", () => {
    expect(brokerAddress("amqp://localhost")).toBe("amqp://guest@localhost");
    expect(brokerAddress("amqps://a%40b:p%40ss@mq.example.com:5671/%2Fvh")).toBe("amqps://a@b@mq.example.com:5671/%2Fvh");
  });
});
