# The product's image: the API, the worker, the simulators and the namespace set-up step all run
# from it (docker-compose.yml picks the entry with `command`). TypeScript runs through tsx, as in
# development, so the image holds no second build of the sources. Debian (glibc), not Alpine:
# the Temporal worker's native core bridge ships for glibc.
FROM node:20-bookworm-slim

WORKDIR /app
# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY . .
USER node
EXPOSE 3000 4100
CMD ["node_modules/.bin/tsx", "api/main.ts"]
