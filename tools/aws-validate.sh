#!/usr/bin/env bash
# tools/aws-validate.sh SCRIPT... - runs each deployment script with DRY_RUN=1 and passes every
# `aws ...` command it prints through the AWS CLI itself, with fake credentials and an endpoint
# where nothing listens: the CLI parses and validates every argument (names, types, required
# parameters, shorthand syntax) before it connects, so a command that gets as far as "Could
# not connect" passed validation. Nothing reaches AWS. Prints PASS/FAIL per command.
#
#   tools/aws-validate.sh docker/lambda/*.sh docker/sagemaker/*.sh
#   AWS=/usr/bin/aws (default: Debian's aws-cli v2 when installed, else aws on PATH)
set -uo pipefail
AWS=${AWS:-$( [ -x /usr/bin/aws ] && echo /usr/bin/aws || command -v aws )}
[ -n "$AWS" ] || { echo "FAIL aws-validate: no aws command (apt-get install awscli)"; exit 1; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
       AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 AWS_MAX_ATTEMPTS=1 AWS_EC2_METADATA_DISABLED=true \
       AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
export S3_BUCKET=${S3_BUCKET:-my-bucket} SAGEMAKER_ROLE_ARN=${SAGEMAKER_ROLE_ARN:-arn:aws:iam::123456789012:role/sm} \
       LAMBDA_ROLE_ARN=${LAMBDA_ROLE_ARN:-arn:aws:iam::123456789012:role/textclf-lambda} \
       API_ID=${API_ID:-a1b2c3d4e5} IMAGE_TAG=${IMAGE_TAG:-1.0.0}
failed=0; n=0
for script in "$@"; do
  case "$script" in */env.sh) continue ;; esac
  while IFS= read -r line; do
    case "$line" in "+ aws "*) ;; *) continue ;; esac
    case "$line" in *"|"*) continue ;; esac   # a pipeline printed for reading, not run
    n=$((n + 1))
    cmd=${line#+ aws }
    out=$(eval "\"$AWS\" --endpoint-url http://127.0.0.1:$port --cli-connect-timeout 2 $cmd" 2>&1 </dev/null)
    short=$(printf '%s' "$cmd" | cut -c1-90)
    if printf '%s' "$out" | grep -q 'Could not connect to the endpoint URL'; then
      echo "PASS aws-validate ${script##*/}: aws $short"
    else
      echo "FAIL aws-validate ${script##*/}: aws $short: $(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')"
      failed=1
    fi
  done < <(DRY_RUN=1 "$script" 2>&1)
done
[ "$n" -gt 0 ] || { echo "FAIL aws-validate: no aws commands in $*"; exit 1; }
echo "aws-validate: $n commands through $("$AWS" --version 2>&1 | cut -d' ' -f1)"
exit "$failed"
