# shellcheck shell=bash disable=SC2034
# docker/sagemaker/env.sh - settings shared by the SageMaker scripts in this directory (sourced).
#
# NOT RUN AGAINST AWS: these scripts were written from the AWS CLI v2 reference and the SageMaker
# hosting contract. No AWS account or network access existed where textclf was built; there they
# were only run with DRY_RUN=1 (prints the commands) and through the AWS CLI's own parameter
# validation with fake credentials. Read them before running them in your account.
#
# Set (environment or edit here):
#   AWS_REGION           region, e.g. eu-west-1 (default: `aws configure get region`)
#   AWS_ACCOUNT_ID       default: from `aws sts get-caller-identity`
#   SAGEMAKER_ROLE_ARN   execution role SageMaker assumes (ECR pull, S3 read/write, CloudWatch)
#   S3_BUCKET            bucket for model.tar.gz and batch input/output
#   S3_PREFIX            key prefix (default textclf)
#   ECR_REPO             repository name (default textclf)
#   IMAGE_TAG            image tag (default: git describe of this checkout, else latest)
#   MODEL_NAME           SageMaker model name (default textclf-$IMAGE_TAG, dots -> dashes)
#   ENDPOINT_NAME        default textclf
#   INSTANCE_TYPE        real-time instances (default ml.c5.large: 2 vCPU)
#   INSTANCE_COUNT       default 1
#   DRY_RUN=1            print every aws/docker command instead of running it
set -euo pipefail

SM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SM_DIR/../.." && pwd)
DRY_RUN=${DRY_RUN:-0}

# run CMD...: runs it, or prints it (shell-quoted) with DRY_RUN=1.
run() {
  if [ "$DRY_RUN" = 1 ]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}
die() { echo "${0##*/}: $*" >&2; exit 1; }
need() { local v; for v in "$@"; do [ -n "${!v:-}" ] || die "set $v (see docker/sagemaker/env.sh)"; done; }

if [ -z "${AWS_REGION:-}" ]; then
  AWS_REGION=$(aws configure get region 2>/dev/null || true)
  [ -n "$AWS_REGION" ] || { [ "$DRY_RUN" = 1 ] && AWS_REGION=eu-west-1; } || die "set AWS_REGION"
fi
export AWS_REGION AWS_DEFAULT_REGION=$AWS_REGION
if [ -z "${AWS_ACCOUNT_ID:-}" ]; then
  if [ "$DRY_RUN" = 1 ]; then AWS_ACCOUNT_ID=123456789012
  else AWS_ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text); fi
fi
S3_PREFIX=${S3_PREFIX:-textclf}
ECR_REPO=${ECR_REPO:-textclf}
IMAGE_TAG=${IMAGE_TAG:-$(git -C "$REPO_ROOT" describe --always --dirty 2>/dev/null || echo latest)}
MODEL_NAME=${MODEL_NAME:-textclf-${IMAGE_TAG//./-}}
ENDPOINT_NAME=${ENDPOINT_NAME:-textclf}
INSTANCE_TYPE=${INSTANCE_TYPE:-ml.c5.large}
INSTANCE_COUNT=${INSTANCE_COUNT:-1}
ECR_HOST=$AWS_ACCOUNT_ID.dkr.ecr.$AWS_REGION.amazonaws.com
IMAGE_URI=$ECR_HOST/$ECR_REPO:$IMAGE_TAG
MODEL_S3_URI=s3://${S3_BUCKET:-BUCKET}/$S3_PREFIX/models/$MODEL_NAME/model.tar.gz
