# syntax=docker/dockerfile:1
# webhook-router: multi-stage build on the current LTS Node image, production dependencies only,
# non-root user. Build: docker build -t webhook-router .

ARG NODE_IMAGE=node:24-bookworm-slim

# --- production dependencies (better-sqlite3 is native: build tools here, not in the final image)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts skips our own `prepare` (it needs the dev-only compiler); the one native
# dependency is then built explicitly.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# --- compile TypeScript
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# --- runtime
FROM ${NODE_IMAGE}
# V8 sizes its old generation from the machine's memory and lets garbage pile up to hundreds of
# MB before collecting it; with a 512 MB ceiling it collects early and RSS stays near the ~35 MB
# the router really keeps (bench/README.md). Override with -e NODE_OPTIONS=--max-old-space-size=N.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=512 \
    PORT=8080 \
    ROUTES_DIR=/app/routes \
    DATA_DIR=/var/lib/webhook-router
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY routes ./routes
RUN mkdir -p /var/lib/webhook-router && chown node:node /var/lib/webhook-router \
 && ln -s /app/dist/cli/main.js /usr/local/bin/webhook-router && chmod +x /app/dist/cli/main.js
USER node
VOLUME ["/var/lib/webhook-router"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node as PID 1 gets SIGTERM directly: the router drains in-flight requests and confirms, then exits.
CMD ["node", "dist/cli/main.js", "start"]
