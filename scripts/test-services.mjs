#!/usr/bin/env node
// What the integration tests need, brought up before they run (vitest's global setup, `.ci/run`):
// RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672), PostgreSQL at
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and Redis at TEST_REDIS_URL
// (default redis://127.0.0.1:6379). Each is used if it answers, started if it is installed but
// stopped, and otherwise named in one line saying how to get it.
//
//   node scripts/test-services.mjs     exit 0 when all answer, 1 with one line per missing service
//
// For this script's own tests: TEST_SERVICES=rabbitmq (or postgres, redis, or a comma list) checks those only, and
// TEST_SERVICES_EXTRA_PATH replaces the folders searched after PATH for the servers' commands, and
// TEST_SERVICES_WAIT_S how long a started server may take to answer.
import { pathToFileURL } from "node:url";
import { ensurePostgres, POSTGRES_DIRS } from "./services/postgres.mjs";
import { ensureRabbitMq, RABBITMQ_DIRS } from "./services/rabbitmq.mjs";
import { ensureRedis, REDIS_DIRS } from "./services/redis.mjs";
import { extraDirs, ServiceProblem } from "./services/shared.mjs";

export const DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
export const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export async function ensureTestServices({ env = process.env, log = (line) => console.log(line) } = {}) {
  const wanted = (env.TEST_SERVICES || "rabbitmq,postgres,redis").split(",");
  const wait = env.TEST_SERVICES_WAIT_S ? { waitSeconds: Number(env.TEST_SERVICES_WAIT_S) } : {};
  const checks = [];
  if (wanted.includes("rabbitmq"))
    checks.push(ensureRabbitMq({ url: env.AMQP_URL || DEFAULT_AMQP_URL, env, log, extraDirs: extraDirs(env, RABBITMQ_DIRS), ...wait }));
  if (wanted.includes("postgres"))
    checks.push(ensurePostgres({ url: env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL, env, log, extraDirs: extraDirs(env, POSTGRES_DIRS), ...wait }));
  if (wanted.includes("redis"))
    checks.push(ensureRedis({ url: env.TEST_REDIS_URL || DEFAULT_REDIS_URL, env, log, extraDirs: extraDirs(env, REDIS_DIRS), ...wait }));
  // All at once, and every problem in the one message: a fresh machine may lack them all.
  const problems = (await Promise.allSettled(checks)).filter((result) => result.status === "rejected").map((result) => describe(result.reason));
  if (problems.length > 0) throw new ServiceProblem(problems.join("\n"));
}

function describe(reason) {
  return reason instanceof ServiceProblem
    ? reason.message
    : `checking the test services failed: ${reason instanceof Error ? reason.message : String(reason)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await ensureTestServices();
  } catch (error) {
    console.error(describe(error));
    process.exitCode = 1;
  }
}
