# syntax=docker/dockerfile:1
# webhook-router: multi-stage build on an LTS Node image, production dependencies only, non-root
# user. Build: docker build -t webhook-router .   (the last stage, `runtime`, is the default target)
# The stand-ins of the example destinations, for docker compose: docker build --target stand-ins .

ARG NODE_IMAGE=node:24-bookworm-slim

# --- production dependencies (better-sqlite3 is native: build tools here, not in the final image)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --ignore-scripts skips our own `prepare` (it needs the dev-only compiler) and every dependency's
# install script; the one native dependency is then built explicitly (package.json's allowScripts
# allows exactly that one, so npm's install-script policy agrees).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && npm cache clean --force

# --- compile TypeScript (all dependencies: the compiler, and tsx for the stand-ins below)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json
# The ops console (served by the admin port under /console/): bundled by esbuild into dist/console/,
# which the runtime stage copies with the rest of dist/.
COPY console ./console
COPY scripts/build-console.mjs ./scripts/
RUN node scripts/build-console.mjs

# --- stand-ins of Tracktile's API, QuickBooks, Odoo and ShipBob (docker compose's `stand-ins`
# service). Test code run by tsx, a dev dependency: it stays in this stage, never in `runtime`.
# esbuild (under tsx) needs no install script: its binary is the platform's optional package.
FROM build AS stand-ins
COPY test/stand-ins.ts ./test/
COPY test/helpers/stand-ins-ports.ts test/helpers/fake-tracktile-api.ts test/helpers/fake-trackvia-api.ts test/helpers/fake-tracktik-api.ts ./test/helpers/
COPY test/helpers/fakes ./test/helpers/fakes
COPY test/fixtures/tracktile-api ./test/fixtures/tracktile-api
# Reachable from the other containers; the ports stay the defaults (9101-9106) unless
# STAND_INS_PORT / STAND_IN_<NAME>_PORT are set on the container.
ENV STAND_INS_HOST=0.0.0.0
USER node
EXPOSE 9101 9102 9103 9104 9105 9106
# Healthy once all six answer (any HTTP status will do; only a refused connection fails).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "const e=process.env,b=Number(e.STAND_INS_PORT||9101);Promise.all(['TRACKTILE','QUICKBOOKS','ODOO','SHIPBOB','TRACKVIA','TRACKTIK'].map((n,i)=>fetch('http://127.0.0.1:'+(e['STAND_IN_'+n+'_PORT']||b+i)+'/'))).then(()=>process.exit(0),()=>process.exit(1))"]
# node itself, with tsx's loader, as PID 1: SIGTERM reaches the stand-ins, which close and exit 0.
CMD ["node", "--import", "tsx", "test/stand-ins.ts"]

# --- runtime (the default target)
FROM ${NODE_IMAGE} AS runtime
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
# The sample webhooks of "Try it", for `webhook-router send <source> /app/samples/<source>/….json`
# inside the container (a few KB of JSON; no test code).
COPY test/fixtures/tracktile ./samples/tracktile
COPY test/fixtures/tracktik ./samples/tracktik
COPY test/fixtures/trackvia ./samples/trackvia
RUN mkdir -p /var/lib/webhook-router && chown node:node /var/lib/webhook-router \
 && ln -s /app/dist/cli/main.js /usr/local/bin/webhook-router && chmod +x /app/dist/cli/main.js
USER node
VOLUME ["/var/lib/webhook-router"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node as PID 1 gets SIGTERM directly: the router drains in-flight requests and confirms, then exits.
CMD ["node", "dist/cli/main.js", "start"]
