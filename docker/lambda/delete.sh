#!/usr/bin/env bash
# docker/lambda/delete.sh - remove the HTTP API $API_ID (when set), the Function URL and the
# function (the ECR image stays). NOT RUN AGAINST AWS (see env.sh).
source "$(dirname "$0")/env.sh"
if [ -n "${API_ID:-}" ]; then
  run aws apigatewayv2 delete-api --api-id "$API_ID" || true
fi
run aws lambda delete-function-url-config --function-name "$FUNCTION_NAME" || true
run aws lambda delete-function --function-name "$FUNCTION_NAME" || true
