import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests share one RabbitMQ; each test uses its own exchange and queues.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    projects: [
      // `npm run test:unit`: no broker, no database, no build. Unit tests keep no module state, so
      // their files share each worker's module cache: 17 s instead of 42 s on 2 cores.
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], isolate: false } },
      // Everything else runs the built CLI against the real RabbitMQ and PostgreSQL, which the
      // global setup brings up (or names, in one line, when they are not installed).
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "**/node_modules/**"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
