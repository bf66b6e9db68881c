# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY contracts ./contracts
COPY adapters ./adapters
COPY config ./config
COPY src ./src
COPY sim ./sim
COPY demo ./demo
COPY test ./test
COPY bench ./bench
COPY admin-ui ./admin-ui
RUN npx tsc -p tsconfig.json && npm run build:admin && npm prune --omit=dev

# Runtime stage: production dependencies, compiled code, SQL migrations and config defaults only.
# Never dist/sim or dist/demo (test/integration/production-image.test.ts reads this list).
FROM node:20-bookworm-slim AS runtime
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
