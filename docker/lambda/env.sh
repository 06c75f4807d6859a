# shellcheck shell=bash disable=SC2034
# docker/lambda/env.sh - settings shared by the AWS Lambda scripts in this directory (sourced).
#
# NOT RUN AGAINST AWS: these scripts were written from the AWS CLI v2 reference and the Lambda
# and API Gateway developer guides. No AWS account or network access existed where textclf was
# built; there they were run with DRY_RUN=1 (prints the commands) and each printed command
# through the AWS CLI's own parameter validation with fake credentials and an unreachable
# endpoint (tools/aws-validate.sh). Read them before running them in your account.
#
# The image is the SageMaker image (docker/sagemaker/push-ecr.sh pushes it): Lambda runs its
# entrypoint with AWS_LAMBDA_RUNTIME_API set, and docker/serve then runs `textclf lambda`.
# A Lambda image carries its model: build `FROM` the pushed image with `COPY mymodel/
# /opt/ml/model/` (docs/deploy.md), or set TEXTCLF_MODEL_DIR to a mounted EFS directory.
#
# Set (environment or edit here), besides docker/sagemaker/env.sh's AWS_REGION, AWS_ACCOUNT_ID,
# ECR_REPO and IMAGE_TAG:
#   LAMBDA_ROLE_ARN      execution role Lambda assumes (AWSLambdaBasicExecutionRole: logs)
#   FUNCTION_NAME        default textclf
#   ARCH                 x86_64 (default) or arm64 (build the image with PLATFORM=linux/arm64)
#   MEMORY_MB            default 512 (Lambda gives CPU in proportion: 1769 MB = one vCPU)
#   TIMEOUT_S            default 30
#   URL_AUTH_TYPE        Function URL auth: AWS_IAM (default, signed requests) or NONE (public)
#   API_NAME             HTTP API name (default textclf)
#   DRY_RUN=1            print every aws command instead of running it
source "$(dirname "${BASH_SOURCE[0]}")/../sagemaker/env.sh"
FUNCTION_NAME=${FUNCTION_NAME:-textclf}
ARCH=${ARCH:-x86_64}
MEMORY_MB=${MEMORY_MB:-512}
TIMEOUT_S=${TIMEOUT_S:-30}
URL_AUTH_TYPE=${URL_AUTH_TYPE:-AWS_IAM}
API_NAME=${API_NAME:-textclf}
FUNCTION_ARN=arn:aws:lambda:$AWS_REGION:$AWS_ACCOUNT_ID:function:$FUNCTION_NAME
case "$ARCH" in x86_64|arm64) ;; *) die "ARCH=$ARCH: use x86_64 or arm64" ;; esac
case "$URL_AUTH_TYPE" in AWS_IAM|NONE) ;; *) die "URL_AUTH_TYPE=$URL_AUTH_TYPE: use AWS_IAM or NONE" ;; esac
