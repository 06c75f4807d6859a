#!/usr/bin/env bash
# docker/lambda/function-url.sh - give $FUNCTION_NAME a Function URL (auth $URL_AUTH_TYPE) and
# print it. POST URL/ or URL/invocations with any /invocations body; GET URL/ping.
# NOT RUN AGAINST AWS (see env.sh).
source "$(dirname "$0")/env.sh"
# Buffered answers (the default invoke mode), as textclf lambda gives them.
run aws lambda create-function-url-config --function-name "$FUNCTION_NAME" \
    --auth-type "$URL_AUTH_TYPE"
if [ "$URL_AUTH_TYPE" = NONE ]; then
  # A public URL needs a resource policy that lets anyone call it.
  run aws lambda add-permission --function-name "$FUNCTION_NAME" \
      --statement-id FunctionURLAllowPublicAccess --action lambda:InvokeFunctionUrl \
      --principal '*' --function-url-auth-type NONE
fi
if [ "$DRY_RUN" = 1 ]; then
  url=https://EXAMPLE.lambda-url.$AWS_REGION.on.aws/
else
  url=$(aws lambda get-function-url-config --function-name "$FUNCTION_NAME" --query FunctionUrl --output text)
fi
echo "function URL: $url"
if [ "$URL_AUTH_TYPE" = NONE ]; then
  echo "try: curl -H 'Content-Type: text/plain' -d 'a wonderful film' ${url}invocations"
else
  echo "try (signed, AWS_IAM): curl --aws-sigv4 aws:amz:$AWS_REGION:lambda --user \"\$AWS_ACCESS_KEY_ID:\$AWS_SECRET_ACCESS_KEY\" -H 'Content-Type: text/plain' -d 'a wonderful film' ${url}invocations"
fi
