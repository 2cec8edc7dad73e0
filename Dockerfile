# syntax=docker/dockerfile:1
# Saker: one image for both the detector and the sidekick (the command picks the role).

# ── build: compile TypeScript and the web UI, then keep only production dependencies ──────────────
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Sources are not copied yet, so skip the `prepare` build here and build native modules explicitly.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY . .
RUN npm run build && npm prune --omit=dev

# ── runtime ──────────────────────────────────────────────────────────────────────────────────────
FROM node:22-bookworm-slim
ARG SAKER_VERSION=0.1.0
LABEL org.opencontainers.image.title="saker" \
      org.opencontainers.image.description="Falco-compatible runtime-security detector and alert fan-out" \
      org.opencontainers.image.version="${SAKER_VERSION}" \
      org.opencontainers.image.source="https://github.com/saker-security/saker" \
      org.opencontainers.image.licenses="Apache-2.0"
# bpftrace drives the detector's eBPF tracepoints; tini reaps children and forwards signals.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bpftrace tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/saker --create-home saker
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/rules ./rules
COPY --from=build /app/web-ui/dist ./web-ui/dist
COPY --from=build /app/proto ./proto
ENV NODE_ENV=production DATADIR=/var/lib/saker
# The sidekick runs as the unprivileged user; the detector service overrides this with root in
# docker-compose.yml because eBPF needs it.
USER saker
EXPOSE 2801 2802
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:2801/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "dist/cli/saker.js"]
CMD ["sidekick"]
