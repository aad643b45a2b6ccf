import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { brokerUrls } from "../../src/broker/broker-urls.js";
import { loadEnv } from "../../src/env.js";
import { portMapping } from "../helpers/compose-file.js";
import {
  configLines,
  durationMs,
  interpolate,
  production,
  productionService,
  productionText,
  routerServices,
  variableUses,
  volumeMount,
} from "../helpers/compose-production.js";

// No Docker engine runs where this is built: these read deploy/compose.production.yml and the files
// it mounts as compose, RabbitMQ and HAProxy would, and check that the parts fit together.
const ingresses = routerServices("ingress");
const workers = routerServices("worker");
const brokers = Object.keys(production.services).filter((name) => production.services[name]!.image?.startsWith("rabbitmq:"));

/** What deploy/production.env.example asks for, with a value for each, as an operator would set them. */
const exampleEnv = readFileSync("deploy/production.env.example", "utf8");
const vars: Record<string, string> = {
  ROUTER_IMAGE: "registry.example.com/webhook-router:1.0.0",
  RABBITMQ_PASSWORD: "rabbit-pw",
  RABBITMQ_ERLANG_COOKIE: "cookie",
  POSTGRES_PASSWORD: "pg-pw",
  REDIS_PASSWORD: "redis-pw",
};
const env = (service: string) =>
  Object.fromEntries(Object.entries(productionService(service).environment ?? {}).map(([key, value]) => [key, interpolate(String(value), vars)]));

describe("deploy/compose.production.yml", () => {
  it("runs three RabbitMQ nodes, PostgreSQL, Redis, two or more ingress replicas, the workers and a load balancer", () => {
    expect(brokers).toEqual(["rabbitmq-1", "rabbitmq-2", "rabbitmq-3"]);
    expect(ingresses.length).toBeGreaterThanOrEqual(2);
    expect(workers).toEqual(["worker"]);
    expect(Object.keys(production.services).sort()).toEqual([...brokers, "postgres", "redis", ...ingresses, ...workers, "lb"].sort());
  });

  it("uses only keys of the Compose specification (a misspelt key would be refused, or ignored)", () => {
    // The subset of the specification's service keys this file may use; compose rejects unknown ones.
    const serviceKeys = [
      "image",
      "command",
      "environment",
      "env_file",
      "volumes",
      "ports",
      "depends_on",
      "healthcheck",
      "restart",
      "stop_grace_period",
      "deploy",
      "hostname",
    ];
    const healthKeys = ["test", "interval", "timeout", "retries", "start_period"];
    const top = Object.keys(production).filter((key) => !key.startsWith("x-"));
    expect(top.sort()).toEqual(["name", "services", "volumes"]);
    for (const [name, entry] of Object.entries(production.services)) {
      for (const key of Object.keys(entry)) expect(serviceKeys, `${name}.${key}`).toContain(key);
      for (const key of Object.keys(entry.healthcheck ?? {})) expect(healthKeys, `${name}.healthcheck.${key}`).toContain(key);
      for (const key of Object.keys(entry.deploy ?? {})) expect(["replicas"], `${name}.deploy.${key}`).toContain(key);
      expect(["unless-stopped", "always", "on-failure", "no"]).toContain(entry.restart);
    }
  });

  it("gives every service an image (the router's: a required tag, never `latest`), none a build", () => {
    for (const [name, entry] of Object.entries(production.services)) {
      const image = interpolate(entry.image ?? "", vars);
      expect(image, name).toMatch(/^[^\s:]+(?::\d+)?\/?[^\s:]*:[\w.-]+$/);
      expect(image, name).not.toMatch(/:latest$/);
      expect(entry.build, name).toBeUndefined();
    }
    for (const name of [...ingresses, ...workers]) expect(productionService(name).image).toMatch(/^\$\{ROUTER_IMAGE:\?/);
  });

  it("asks deploy/production.env.example for every required variable, and lists every optional one", () => {
    const uses = variableUses(productionText);
    for (const use of uses) {
      if (use.kind === "?") expect(exampleEnv, use.name).toMatch(new RegExp(`^${use.name}=$`, "m"));
      else if (use.kind === "-") expect(exampleEnv, use.name).toMatch(new RegExp(`^# ${use.name}=${use.operand}$`, "m"));
      else throw new Error(`\${${use.name}} has neither a default nor a required mark`);
    }
    expect(Object.keys(vars).sort()).toEqual([...new Set(uses.filter((use) => use.kind === "?").map((use) => use.name))].sort());
    // Both files with secrets stay out of git.
    expect(readFileSync(".gitignore", "utf8").split("\n")).toEqual(expect.arrayContaining(["deploy/production.env", "deploy/router.env"]));
  });

  it("gives each ingress replica a spool volume of its own, and none to the workers", () => {
    const sources = ingresses.map((name) => {
      const entry = productionService(name);
      expect(entry.deploy?.replicas, `${name} must stay one container: its volume is its own`).toBeUndefined();
      const spool = (entry.volumes ?? []).map(volumeMount).find((mount) => mount.target === env(name).DATA_DIR);
      expect(spool, name).toBeDefined();
      expect(production.volumes, name).toHaveProperty(spool!.source);
      return spool!.source;
    });
    expect(new Set(sources).size).toBe(ingresses.length);
    // ...and no other service mounts one of them.
    for (const [name, entry] of Object.entries(production.services)) {
      if (ingresses.includes(name)) continue;
      for (const mount of (entry.volumes ?? []).map(volumeMount)) expect(sources, name).not.toContain(mount.source);
    }
    for (const name of workers) expect(productionService(name).volumes).toBeUndefined();
    expect(Number(interpolate(String(productionService("worker").deploy?.replicas), {}))).toBeGreaterThanOrEqual(2);
  });

  it("runs the router image with the role of each service, node as PID 1", () => {
    for (const name of [...ingresses, ...workers])
      expect(productionService(name).command?.slice(0, 3)).toEqual(["node", "dist/cli/main.js", "start"]);
  });

  it("connects every router to all three RabbitMQ nodes, with the user the cluster is given", () => {
    for (const name of [...ingresses, ...workers]) {
      const urls = brokerUrls(env(name).AMQP_URL ?? "").map((url) => new URL(url));
      expect(urls.map((url) => url.host)).toEqual(brokers.map((broker) => `${broker}:5672`));
      for (const [index, url] of urls.entries()) {
        const broker = env(brokers[index]!);
        expect(productionService(brokers[index]!).hostname).toBe(brokers[index]);
        expect([url.username, url.password]).toEqual([broker.RABBITMQ_DEFAULT_USER, broker.RABBITMQ_DEFAULT_PASS]);
      }
    }
  });

  it("clusters the three nodes: one cookie, each its own volume, the peer list naming exactly them", () => {
    const cookies = new Set(brokers.map((name) => productionService(name).environment?.RABBITMQ_ERLANG_COOKIE));
    expect(cookies.size).toBe(1);
    const data = brokers.map(
      (name) => (productionService(name).volumes ?? []).map(volumeMount).find((mount) => mount.target === "/var/lib/rabbitmq")?.source,
    );
    expect(new Set(data).size).toBe(3);
    for (const source of data) expect(production.volumes).toHaveProperty(source!);
    for (const name of brokers) {
      const conf = (productionService(name).volumes ?? []).map(volumeMount).find((mount) => mount.target.startsWith("/etc/rabbitmq/conf.d/"));
      expect(conf, name).toMatchObject({ source: "./rabbitmq/cluster.conf", readOnly: true });
    }
    const conf = configLines("deploy/rabbitmq/cluster.conf");
    expect(conf).toContain("cluster_formation.peer_discovery_backend = classic_config");
    const peers = conf.map((line) => /^cluster_formation\.classic_config\.nodes\.\d+ = (\S+)$/.exec(line)?.[1]).filter(Boolean);
    expect(peers).toEqual(brokers.map((name) => `rabbit@${productionService(name).hostname}`));
    expect(conf).toContain(`quorum_queue.continuous_membership_reconciliation.target_group_size = ${brokers.length}`);
  });

  it("shares PostgreSQL and Redis with the credentials those services are given", () => {
    const postgres = env("postgres");
    for (const name of [...ingresses, ...workers]) {
      const url = new URL(env(name).DATABASE_URL ?? "");
      expect([url.host, url.username, url.password, url.pathname]).toEqual([
        "postgres:5432",
        postgres.POSTGRES_USER,
        postgres.POSTGRES_PASSWORD,
        `/${postgres.POSTGRES_DB}`,
      ]);
    }
    for (const name of ingresses) {
      const url = new URL(env(name).RATE_LIMIT_REDIS_URL ?? "");
      expect([url.host, url.password]).toEqual(["redis:6379", env("redis").REDIS_PASSWORD]);
      expect(productionService("redis").command?.join(" ")).toContain('--requirepass "$$REDIS_PASSWORD"');
    }
  });

  it("sets environments the router itself accepts", () => {
    for (const name of [...ingresses, ...workers]) {
      const loaded = loadEnv(env(name));
      expect(loaded.PORT).toBe(8080);
      expect(loaded.HOST).toBe("0.0.0.0");
    }
    for (const name of ingresses) expect(loadEnv(env(name)).TRUST_PROXY).toBe(1);
  });

  it("publishes only the load balancer's webhook port; the operator's pages stay on loopback", () => {
    for (const [name, entry] of Object.entries(production.services)) {
      for (const port of (entry.ports ?? []).map(portMapping)) {
        if (name === "lb" && port.container === "8080") expect(port.ip).toBeUndefined();
        else expect(port.ip, `${name} ${port.container}`).toBe("127.0.0.1");
      }
    }
    for (const name of [...ingresses, ...workers, "postgres", "redis"]) expect(productionService(name).ports, name).toBeUndefined();
    const lbPorts = (productionService("lb").ports ?? []).map(portMapping).map((port) => port.container);
    const binds = configLines("deploy/haproxy/haproxy.cfg").flatMap((line) => /^bind :(\d+)$/.exec(line)?.[1] ?? []);
    expect(lbPorts.sort()).toEqual(binds.sort());
  });

  it("checks each service's health: the routers' readiness, the brokers', PostgreSQL's and Redis's", () => {
    for (const name of [...ingresses, ...workers]) {
      const test = productionService(name).healthcheck?.test.join(" ") ?? "";
      expect(test, name).toContain("/readyz");
      expect(test).toContain("process.env.PORT");
    }
    for (const name of brokers)
      expect(productionService(name).healthcheck?.test).toEqual(["CMD", "rabbitmq-diagnostics", "-q", "check_port_connectivity"]);
    const postgres = env("postgres");
    expect(productionService("postgres").healthcheck?.test).toEqual(["CMD", "pg_isready", "-U", postgres.POSTGRES_USER, "-d", postgres.POSTGRES_DB]);
    expect(productionService("redis").healthcheck?.test.join(" ")).toContain("ping");
    // HAProxy's image has no HTTP client; it is the one without a health check.
    const without = Object.keys(production.services).filter((name) => !production.services[name]!.healthcheck);
    expect(without).toEqual(["lb"]);
  });

  it("starts the routers once what they need is healthy, and restarts every service", () => {
    for (const [name, entry] of Object.entries(production.services)) {
      expect(["unless-stopped", "always"], name).toContain(entry.restart);
      for (const [dependency, { condition }] of Object.entries(entry.depends_on ?? {})) {
        expect(production.services, `${name} → ${dependency}`).toHaveProperty(dependency);
        if (condition === "service_healthy") expect(production.services[dependency]!.healthcheck, dependency).toBeDefined();
      }
    }
    for (const name of [...ingresses, ...workers]) {
      const needs = Object.entries(productionService(name).depends_on ?? {})
        .filter(([, { condition }]) => condition === "service_healthy")
        .map(([dependency]) => dependency);
      expect(needs.sort()).toEqual([...brokers, "postgres"].sort());
    }
  });

  it("waits for a router's shutdown: two SHUTDOWN_TIMEOUT_MS budgets and the log's flush", () => {
    for (const name of [...ingresses, ...workers]) {
      const entry = productionService(name);
      const budget = Number(env(name).SHUTDOWN_TIMEOUT_MS);
      expect(budget).toBeGreaterThan(0);
      expect(durationMs(entry.stop_grace_period ?? "10s")).toBeGreaterThanOrEqual(2 * budget + 5_000);
    }
  });

  it("balances over exactly the ingress replicas, checks their /readyz and follows their addresses", () => {
    const lines = configLines("deploy/haproxy/haproxy.cfg");
    const servers = lines.flatMap((line) => {
      const match = /^server (\S+) (\S+):(\d+)/.exec(line);
      return match ? [{ name: match[1], host: match[2], port: Number(match[3]) }] : [];
    });
    expect(servers.map((server) => server.host)).toEqual(ingresses);
    for (const server of servers) expect(server.port).toBe(loadEnv(env(server.host!)).PORT);
    expect(lines).toContain("option httpchk GET /readyz");
    expect(lines).toContain("nameserver dns 127.0.0.11:53");
    expect(lines.some((line) => /^default-server .*\bresolvers docker\b/.test(line))).toBe(true);
    expect(lines).toContain("retry-on conn-failure empty-response");
    expect(lines).toContain("option forwardfor");
    for (const name of ingresses) expect(Object.keys(productionService("lb").depends_on ?? {})).toContain(name);
  });
});

describe("deploy/prometheus/alerts.yml", () => {
  interface Rule {
    readonly alert?: string;
    readonly record?: string;
    readonly expr: string;
  }
  const rules = (parse(readFileSync("deploy/prometheus/alerts.yml", "utf8")) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(
    (group) => group.rules,
  );

  it("names only metrics the router exports", () => {
    const exported = [...readFileSync("src/ops/metrics.ts", "utf8").matchAll(/name: "(webhook_router_[a-z_]+)"/g)].map((match) => match[1]);
    const used = rules.flatMap((rule) =>
      [...rule.expr.matchAll(/\b(webhook_router_[a-z_]+)/g)].map((match) => match[1]!.replace(/_(sum|count|bucket)$/, "")),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(exported).toContain(name);
  });

  it("watches the routes' main queues, not the retry, busy and dead-letter queues beside them", async () => {
    const { loadRouteIds } = await import("../../src/config/route-ids.js");
    const { routeQueues } = await import("../../src/broker/route-topology.js");
    const backlog = rules.find((rule) => rule.alert === "WebhookRouterBacklogGrowing")!;
    const promRegex = (op: string) => {
      const raw = new RegExp(`queue${op}"((?:[^"\\\\]|\\\\.)*)"`).exec(backlog.expr)![1]!;
      return new RegExp(`^(?:${raw.replace(/\\\\/g, "\\")})$`);
    };
    const [include, exclude] = [promRegex("=~"), promRegex("!~")];
    const watched = (queue: string) => include.test(queue) && !exclude.test(queue);
    const prefix = loadEnv({}).QUEUE_PREFIX;
    for (const id of loadRouteIds("routes")) {
      const queues = routeQueues(prefix, id);
      expect(watched(queues.main), queues.main).toBe(true);
      for (const other of [queues.dead, queues.busy, queues.retry(2), queues.retry(12)]) expect(watched(other), other).toBe(false);
    }
  });
});
