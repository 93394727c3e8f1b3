# The controllers' image (ghcr.io/fluxion/fluxion:<version>): one binary, each Deployment picks
# its reconcilers with `fluxion controllers --controllers=<name>`. It cannot be built on the
# project's development machines (no container engine); CI does not build it.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git openssh-client ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER 65534:65534
ENTRYPOINT ["node", "/app/dist/fluxion.js"]
CMD ["controllers"]
