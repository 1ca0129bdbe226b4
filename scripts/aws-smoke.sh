#!/usr/bin/env bash
# aws-smoke.sh — a small, real smoke test of deploybench on YOUR AWS account.
#
# It exports a tiny scenario (one t3.small EC2 instance, 2 req/s for 60 s), runs it with
# `deploybench aws run` under a cost cap, and always finishes with `deploybench aws
# cleanup` for the run it started. It costs real money (a few cents at us-east-1 prices;
# see docs/aws.md) and creates resources in your account, so it refuses to start unless:
#   - AWS credentials are configured (AWS_PROFILE, or AWS_ACCESS_KEY_ID and
#     AWS_SECRET_ACCESS_KEY, or a default profile in ~/.aws), and
#   - you pass --i-understand-this-costs-money.
# It never runs under CI=true.
#
# Usage:
#   scripts/aws-smoke.sh --i-understand-this-costs-money [--allowed-cidr 203.0.113.7/32]
#                        [--region us-east-1] [--max-cost 0.50] [--out DIR]
# Needs: go (or a deploybench binary in $DEPLOYBENCH), Docker with the built-in image
# (`deploybench image build`), and the IAM permissions of docs/aws-iam-policy.json.
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

consent=0 cidr="" region="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}" max_cost="0.50" out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--i-understand-this-costs-money) consent=1 ;;
	--allowed-cidr) cidr="${2:?--allowed-cidr needs a value, e.g. 203.0.113.7/32}"; shift ;;
	--region) region="${2:?--region needs a value, e.g. us-east-1}"; shift ;;
	--max-cost) max_cost="${2:?--max-cost needs a value in US dollars, e.g. 0.50}"; shift ;;
	--out) out="${2:?--out needs a directory}"; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "aws-smoke: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

if [ "${CI:-}" = "true" ]; then
	echo "aws-smoke: CI=true: this script talks to real AWS and never runs in CI" >&2
	exit 2
fi
if [ "$consent" != 1 ]; then
	echo "aws-smoke: this creates real AWS resources and costs money; rerun with --i-understand-this-costs-money" >&2
	exit 2
fi
if [ -z "${AWS_PROFILE:-}" ] && { [ -z "${AWS_ACCESS_KEY_ID:-}" ] || [ -z "${AWS_SECRET_ACCESS_KEY:-}" ]; } &&
	! grep -qs '^\[default\]' "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" &&
	! grep -qs '^\[default\]' "${AWS_CONFIG_FILE:-$HOME/.aws/config}"; then
	echo "aws-smoke: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" >&2
	exit 2
fi
case "$max_cost" in
'' | *[!0-9.]* | *.*.*) echo "aws-smoke: --max-cost $max_cost is not an amount in US dollars, e.g. 0.50" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${DEPLOYBENCH:-}" ]; then
	db=("$DEPLOYBENCH")
else
	db=(go run "$root/cmd/deploybench")
fi

if [ -z "$cidr" ]; then
	# The endpoints are opened only to this machine's public address.
	ip="$(curl -fsS --max-time 10 https://checkip.amazonaws.com | tr -d '[:space:]')" || true
	case "$ip" in
	*.*.*.*) cidr="$ip/32" ;;
	*) echo "aws-smoke: cannot find this machine's public IP; give --allowed-cidr A.B.C.D/32" >&2; exit 2 ;;
	esac
fi

work="$(mktemp -d -t deploybench-smoke.XXXXXX)"
[ -n "$out" ] || out="$work/results"
run_id="smoke-$(date -u +%Y%m%d%H%M%S)"
scenario="$work/smoke.yaml"
cat >"$scenario" <<'YAML'
# The smallest useful scenario: one EC2 instance under a light, constant load.
name: smoke
description: deploybench AWS smoke test (one t3.small, 2 req/s for 60 s)
timescale: 1
app:
  builtin: svm
warmup: 5
slo: "p95<1s,errors<1%"
load:
  executor: constant_rate
  rate: 2
  duration: 60s
platforms:
  - name: ec2
    kind: ec2
    settings:
      instance_type: t3.small
YAML

cleanup() {
	status=$?
	echo "aws-smoke: cleaning up run $run_id" >&2
	"${db[@]}" aws cleanup --region "$region" --run-id "$run_id" --yes ||
		echo "aws-smoke: cleanup failed; rerun: deploybench aws cleanup --region $region --run-id $run_id" >&2
	exit "$status"
}
trap cleanup EXIT

"${db[@]}" export "$scenario" --format cloudformation --out "$work/templates" --run-id "$run_id" --allowed-cidr "$cidr"
"${db[@]}" aws run "$scenario" --region "$region" --run-id "$run_id" --allowed-cidr "$cidr" \
	--max-cost "$max_cost" --out "$out" --yes
"${db[@]}" report "$out"
echo "aws-smoke: results in $out, templates in $work/templates" >&2
