# syntax=docker/dockerfile:1
# Node.js 22 (LTS): the version .ci/run runs the whole suite on besides 20 (it reads the major from the
# runtime stage's FROM below, so the image never runs a version the suite was not run on).

# Dependencies, shared by the gateway's build and the simulators' build.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Build stage: only what the gateway runs (tsconfig.build.json: src, contracts, adapters, config) and
# the admin UI; no tests, benches, simulators or demo.
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY contracts ./contracts
COPY adapters ./adapters
COPY config ./config
COPY src ./src
COPY admin-ui ./admin-ui
RUN npx tsc -p tsconfig.build.json && npm run build:admin && npm prune --omit=dev

# The demo's simulated provinces (docker-compose.yml, profile demo): an image of their own.
FROM deps AS simulators-build
COPY tsconfig.json tsconfig.sim.json ./
COPY contracts ./contracts
COPY adapters ./adapters
COPY config ./config
COPY src ./src
COPY sim ./sim
RUN npx tsc -p tsconfig.sim.json && npm prune --omit=dev

FROM node:22-bookworm-slim AS simulators
ENV NODE_ENV=production
WORKDIR /app
COPY --from=simulators-build /app/package.json ./
COPY --from=simulators-build /app/node_modules ./node_modules
COPY --from=simulators-build /app/dist ./dist
USER node
EXPOSE 9101 9102 9103 9104
CMD ["node", "dist/sim/run-simulators.js"]

# Runtime stage (the last: `docker build .` makes it): production dependencies, compiled code, SQL
# migrations and config defaults only. Never dist/sim, dist/demo, tests or benches
# (test/integration/production-image.test.ts reads this list; compose-start.test.ts reads its ENV).
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/contracts ./dist/contracts
COPY --from=build /app/dist/config ./dist/config
COPY --from=build /app/dist/adapters ./dist/adapters
COPY --from=build /app/dist/admin-ui ./dist/admin-ui
COPY --from=build /app/src/ledger/migrations ./src/ledger/migrations
COPY --from=build /app/config ./config
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
