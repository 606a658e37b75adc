#!/usr/bin/env bash
# Rebuild the offline GraphiQL bundle (static/graphiql.js + static/graphiql.css) from the
# npm packages pinned in src/package.json + src/package-lock.json. Needs Node >= 18 and npm.
# The output is committed, so running the router never needs Node.
set -euo pipefail
cd "$(dirname "$0")/src"
npm ci --no-audit --no-fund
./node_modules/.bin/esbuild index.jsx \
  --bundle --minify --format=iife --target=es2020 \
  --jsx=automatic --legal-comments=none \
  --define:process.env.NODE_ENV='"production"' \
  --outfile=../static/graphiql.js
ls -l ../static
