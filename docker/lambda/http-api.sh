#!/usr/bin/env bash
# docker/lambda/http-api.sh - an API Gateway HTTP API in front of $FUNCTION_NAME: Lambda proxy
# integration with payload format 2.0, routes POST /invocations and GET /ping, the $default
# stage (auto-deployed), and the permission for API Gateway to invoke the function.
# NOT RUN AGAINST AWS (see env.sh). With DRY_RUN=1 the API and integration ids are placeholders.
source "$(dirname "$0")/env.sh"
if [ "$DRY_RUN" = 1 ]; then
  run aws apigatewayv2 create-api --name "$API_NAME" --protocol-type HTTP
  api_id=a1b2c3d4e5
else
  api_id=$(aws apigatewayv2 create-api --name "$API_NAME" --protocol-type HTTP --query ApiId --output text)
fi
if [ "$DRY_RUN" = 1 ]; then
  run aws apigatewayv2 create-integration --api-id "$api_id" --integration-type AWS_PROXY \
      --integration-uri "$FUNCTION_ARN" --payload-format-version 2.0 --timeout-in-millis 30000
  integration_id=abc1234
else
  integration_id=$(aws apigatewayv2 create-integration --api-id "$api_id" --integration-type AWS_PROXY \
      --integration-uri "$FUNCTION_ARN" --payload-format-version 2.0 --timeout-in-millis 30000 \
      --query IntegrationId --output text)
fi
for route in "POST /invocations" "GET /ping"; do
  run aws apigatewayv2 create-route --api-id "$api_id" --route-key "$route" \
      --target "integrations/$integration_id"
done
run aws apigatewayv2 create-stage --api-id "$api_id" --stage-name '$default' --auto-deploy
run aws lambda add-permission --function-name "$FUNCTION_NAME" --statement-id "apigateway-$api_id" \
    --action lambda:InvokeFunction --principal apigateway.amazonaws.com \
    --source-arn "arn:aws:execute-api:$AWS_REGION:$AWS_ACCOUNT_ID:$api_id/*/*"
url=https://$api_id.execute-api.$AWS_REGION.amazonaws.com
echo "HTTP API: $url"
echo "try: curl -H 'Content-Type: text/plain' -d 'a wonderful film' $url/invocations"
