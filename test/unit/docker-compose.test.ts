import { describe, expect, it } from "vitest";
import { compose, composeText, dockerfileStages, portMapping, references, service, withDefaults } from "../helpers/compose-file.js";
import { standInsPlan } from "../helpers/stand-ins-ports.js";

// No Docker engine runs where this is built: these read docker-compose.yml and the Dockerfile as
// compose and BuildKit would, and check the promises the README makes about them.
describe("docker-compose.yml", () => {
  it("runs RabbitMQ, the stand-ins and the router", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["rabbitmq", "router", "stand-ins"]);
  });

  it("starts the router once RabbitMQ and the stand-ins are healthy", () => {
    expect(service("router").depends_on).toEqual({ rabbitmq: { condition: "service_healthy" }, "stand-ins": { condition: "service_healthy" } });
    // service_healthy needs a health check on each: RabbitMQ's here, the stand-ins' in their image.
    expect(service("rabbitmq").healthcheck?.test).toEqual(["CMD", "rabbitmq-diagnostics", "-q", "check_port_connectivity"]);
    const standInsStage = dockerfileStages().find((stage) => stage.name === service("stand-ins").build?.target);
    expect(standInsStage?.body).toMatch(/^HEALTHCHECK /m);
  });

  it("builds each service from a Dockerfile stage that exists, the router from the last (default) one", () => {
    const stages = dockerfileStages().map((stage) => stage.name);
    expect(stages).toContain(service("stand-ins").build?.target);
    expect(service("router").build?.target).toBe(stages.at(-1));
  });

  it("publishes host ports that are configurable and do not collide with a local RabbitMQ or npm start", () => {
    const published = Object.values(compose.services)
      .flatMap((entry) => entry.ports ?? [])
      .map(portMapping);
    expect(published.length).toBeGreaterThan(0);
    for (const { host } of published) {
      expect(references(host)).toHaveLength(1);
      expect(references(host)[0]?.fallback).toMatch(/^\d+$/);
      expect(["5672", "15672", "8080", "9090", "9101", "9102", "9103", "9104"]).not.toContain(withDefaults(host));
    }
    // The broker is for the router and the person at the machine: loopback only.
    expect(
      service("rabbitmq")
        .ports?.map(portMapping)
        .map((port) => port.ip),
    ).toEqual(["127.0.0.1", "127.0.0.1"]);
    expect(service("stand-ins").ports).toBeUndefined();
  });

  it("publishes the router's PORT, the port it listens on and its health check asks", () => {
    const router = service("router");
    const [mapping] = (router.ports ?? []).map(portMapping);
    expect(mapping?.container).toBe("${PORT:-8080}");
    // The same interpolation feeds the container's PORT, which beats the env_file's.
    expect(router.environment?.PORT).toBe(mapping?.container);
    const runtime = dockerfileStages().at(-1)!;
    expect(runtime.body).toMatch(/^ENV [\s\S]*PORT=8080/m);
    expect(runtime.body).toMatch(/^HEALTHCHECK [^\n]*\\\n\s*CMD .*process\.env\.PORT/m);
  });

  it("reads .env into the router and overrides none of it but the container's own addresses", () => {
    const router = service("router");
    expect(router.env_file).toBe(".env");
    const keys = Object.keys(router.environment ?? {});
    expect(keys).not.toContain("LOG_LEVEL");
    expect(keys.sort()).toEqual(
      [
        "PORT",
        "HOST",
        "AMQP_URL",
        "TRACKTILE_API_URL",
        "QBO_BASE_URL",
        "QBO_TOKEN_URL",
        "ODOO_URL",
        "SHIPBOB_BASE_URL",
        "ROUTES_DIR",
        "DATA_DIR",
        "ALERT_CLI_COMMAND",
      ].sort(),
    );
  });

  it("points the example destinations at the stand-ins service, on the ports its image listens on", () => {
    const environment = service("router").environment ?? {};
    const port = Object.fromEntries(standInsPlan({}).ports.map((entry) => [entry.name, entry.port]));
    expect(environment.TRACKTILE_API_URL).toBe(`http://stand-ins:${port.tracktile}`);
    expect(environment.QBO_BASE_URL).toBe(`http://stand-ins:${port.quickbooks}`);
    expect(environment.QBO_TOKEN_URL).toBe(`http://stand-ins:${port.quickbooks}/oauth2/v1/tokens/bearer`);
    expect(environment.ODOO_URL).toBe(`http://stand-ins:${port.odoo}`);
    expect(environment.SHIPBOB_BASE_URL).toBe(`http://stand-ins:${port.shipbob}`);
    // ...and the stand-ins listen beyond their own container, ignoring a host .env's ports.
    expect(service("stand-ins").env_file).toBeUndefined();
    const standIns = dockerfileStages().find((stage) => stage.name === "stand-ins")!;
    expect(standIns.body).toMatch(/^ENV STAND_INS_HOST=0\.0\.0\.0$/m);
    expect(standIns.body).toMatch(/^CMD \["node", "--import", "tsx", "test\/stand-ins\.ts"\]$/m);
  });

  it("connects the router to the rabbitmq service with the user the broker is given", () => {
    const broker = service("rabbitmq").environment ?? {};
    const url = new URL(withDefaults(service("router").environment?.AMQP_URL ?? ""));
    expect(url.host).toBe("rabbitmq:5672");
    expect(url.username).toBe(broker.RABBITMQ_DEFAULT_USER);
    expect(url.password).toBe(withDefaults(broker.RABBITMQ_DEFAULT_PASS ?? ""));
    // A fixed hostname: RabbitMQ keeps its data under rabbit@<hostname>.
    expect(service("rabbitmq").hostname).toBe("rabbitmq");
  });

  it("needs no variable beyond .env: every ${…} in the file has a default", () => {
    const withoutComments = composeText.replace(/#.*$/gm, "");
    for (const reference of references(withoutComments)) expect(reference, reference.name).toMatchObject({ fallback: expect.any(String) });
  });
});
