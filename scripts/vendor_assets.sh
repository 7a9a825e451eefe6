#!/usr/bin/env bash
# Copies the front-end libraries pinned in package.json into static/vendor/ (committed), so the
# portal serves them itself and works offline. Run `make vendor` after changing a version.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent
out=static/vendor
rm -rf "$out"
mkdir -p "$out"/bootstrap "$out"/bootstrap-icons/fonts "$out"/htmx "$out"/chartjs "$out"/axe-core
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$out"/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out"/bootstrap/
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$out"/bootstrap-icons/
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$out"/bootstrap-icons/fonts/
cp node_modules/htmx.org/dist/htmx.min.js "$out"/htmx/
cp node_modules/chart.js/dist/chart.umd.min.js "$out"/chartjs/
cp node_modules/axe-core/axe.min.js "$out"/axe-core/
# Source maps are not shipped: drop the references to them, or the production static storage
# (ManifestStaticFilesStorage) fails collectstatic on the missing .map files.
find "$out" -type f \( -name '*.js' -o -name '*.css' \) \
  -exec sed -i -E '/^\/[*/]# sourceMappingURL=[^ ]+( \*\/)?$/d' {} +
{
  echo "# Vendored front-end libraries"
  echo
  echo "Copied from the npm registry by \`scripts/vendor_assets.sh\` (\`make vendor\`). Do not edit by hand."
  echo
  echo "| library | version | license | files |"
  echo "|---|---|---|---|"
  for p in bootstrap bootstrap-icons htmx.org chart.js axe-core; do
    node -e "const p=require('./node_modules/$p/package.json');console.log('| '+p.name+' | '+p.version+' | '+p.license+' |')" | tr -d '\n'
    case $p in
      bootstrap) echo " bootstrap/ |";; bootstrap-icons) echo " bootstrap-icons/ |";; htmx.org) echo " htmx/ |";;
      chart.js) echo " chartjs/ |";; axe-core) echo " axe-core/ (browser accessibility tests only) |";;
    esac
  done
} > "$out"/VERSIONS.md
echo "vendored into $out"
