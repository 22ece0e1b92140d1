#!/usr/bin/env bash
# Installs Debian's HDL tools (simulators, synthesis, place and route, SMT solver) when any is missing.
# Tests, `npm run demo` and CI call it; it does nothing when every tool is already on the PATH.
set -euo pipefail
TOOLS=(yosys verilator iverilog ghdl nextpnr-ice40 icepack z3)
PACKAGES=(yosys verilator iverilog ghdl nextpnr-ice40 fpga-icestorm z3 g++ make)
missing=()
for t in "${TOOLS[@]}"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing HDL tools (missing: ${missing[*]})" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
for t in "${TOOLS[@]}"; do command -v "$t" >/dev/null 2>&1 || { echo "could not install $t" >&2; exit 1; }; done
