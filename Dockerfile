# Kairos API / projector / publisher image.
#   docker build -t kairos .
#   docker run -p 3000:3000 kairos            (embedded PGlite, in-process publisher)
# Engines and roles come from KAIROS_* environment variables (see docker-compose.yml).

# --- build: full dependency tree, TypeScript compiled to dist/ ---
FROM node:20-bookworm-slim AS build
WORKDIR /app
# @scarf/scarf (pulled in by @nestjs/swagger) phones home from its install script.
ENV SCARF_ANALYTICS=false
# Lockfile first so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: production dependencies and compiled output only ---
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false \
    PORT=3000 \
    KAIROS_DATA_DIR=/app/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's built-in non-root user; it owns only the data folder (used by the PGlite engines).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Slim images have no curl, so Node itself asks the liveness endpoint. A container whose
# KAIROS_ROLES leave out `api` serves no HTTP: override or disable this check for it.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# Run node directly (not npm start) so SIGTERM reaches the app's own graceful shutdown.
CMD ["node", "dist/apps/kairos/src/main.js"]
