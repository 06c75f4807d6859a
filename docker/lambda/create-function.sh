#!/usr/bin/env bash
# docker/lambda/create-function.sh - create (or update) Lambda function $FUNCTION_NAME from
# $IMAGE_URI (package type Image), wait until it is active, then invoke it once directly.
# NOT RUN AGAINST AWS (see env.sh). Run push-ecr.sh first.
source "$(dirname "$0")/env.sh"
need LAMBDA_ROLE_ARN
# The same settings as the SageMaker container's; the model is the image's /opt/ml/model,
# else the bundled one (the log says which).
environment='Variables={SAGEMAKER_MAX_PAYLOAD_IN_MB=6,TEXTCLF_LOG_LEVEL=info}'
if [ "$DRY_RUN" != 1 ] && aws lambda get-function --function-name "$FUNCTION_NAME" >/dev/null 2>&1; then
  run aws lambda update-function-code --function-name "$FUNCTION_NAME" --image-uri "$IMAGE_URI" \
      --architectures "$ARCH"
  run aws lambda wait function-updated-v2 --function-name "$FUNCTION_NAME"
  run aws lambda update-function-configuration --function-name "$FUNCTION_NAME" \
      --memory-size "$MEMORY_MB" --timeout "$TIMEOUT_S" --environment "$environment"
  run aws lambda wait function-updated-v2 --function-name "$FUNCTION_NAME"
else
  run aws lambda create-function --function-name "$FUNCTION_NAME" --package-type Image \
      --code "ImageUri=$IMAGE_URI" --role "$LAMBDA_ROLE_ARN" --architectures "$ARCH" \
      --memory-size "$MEMORY_MB" --timeout "$TIMEOUT_S" --environment "$environment"
  run aws lambda wait function-active-v2 --function-name "$FUNCTION_NAME"
fi
# A direct invocation: the event is an /invocations JSON body; the answer its predictions.
out=${TMPDIR:-/tmp}/textclf-lambda-invoke.json
run aws lambda invoke --function-name "$FUNCTION_NAME" --cli-binary-format raw-in-base64-out \
    --payload '{"instances":["a wonderful film","dull and far too long"]}' "$out"
[ "$DRY_RUN" = 1 ] || { cat "$out"; echo; }
echo "function: $FUNCTION_ARN"
