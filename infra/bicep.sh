#!/usr/bin/env bash
# Builds and lints infra/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64,
# version pinned in infra/tools.csproj). Fails on any error or warning. The compiled template is
# left in infra/bin/main.json (git-ignored) for tests/Serverless.Functions.Tests/InfraTests.cs.
#   bash infra/bicep.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="azure.bicep.commandline.linux-x64"
version="$(sed -n 's/.*Include="Azure.Bicep.CommandLine.linux-x64" Version="\[\([^]]*\)\]".*/\1/p' "$here/tools.csproj")"
if [[ -z "$version" ]]; then
  echo "bicep.sh: cannot read the Bicep version from infra/tools.csproj" >&2
  exit 1
fi

# PackageDownload puts the package into the NuGet cache; restore is a no-op once it is there.
dotnet restore "$here/tools.csproj" --nologo --verbosity quiet >/dev/null

packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')}"
packages="${packages%/}"
bicep="$packages/$package/$version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  bicep="$(find "$packages/$package/$version" -type f -name bicep | head -n 1)"
fi
if [[ -z "$bicep" || ! -f "$bicep" ]]; then
  echo "bicep.sh: no bicep binary in $packages/$package/$version" >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod u+x "$bicep"
echo "bicep.sh: $("$bicep" --version)"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for file in "$here/main.bicep"; do
  for command in build lint; do
    log="$out/$command.log"
    if [[ "$command" == build ]]; then
      mkdir -p "$here/bin"
      rm -f "$here/bin/main.json"
      "$bicep" build "$file" --outfile "$here/bin/main.json" >"$log" 2>&1 || status=1
    else
      "$bicep" lint "$file" >"$log" 2>&1 || status=1
    fi
    # Bicep prints diagnostics as "path(line,col) : Warning|Error rule: message".
    if grep -Eq ': (Warning|Error) ' "$log"; then
      status=1
    fi
    if [[ -s "$log" ]]; then
      sed "s|^|bicep $command: |" "$log"
    fi
  done
done

if [[ "$status" -ne 0 ]]; then
  echo "bicep.sh: FAILED (errors or warnings above)" >&2
  exit 1
fi
echo "bicep.sh: build and lint passed with no warnings"
