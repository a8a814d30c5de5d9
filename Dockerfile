FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN if [ -f admin-ui/package.json ]; then npm run build:ui; fi
EXPOSE 3000
USER node
ENTRYPOINT ["node", "bin/thub.js"]
CMD ["start"]
