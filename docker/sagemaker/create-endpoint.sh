#!/usr/bin/env bash
# docker/sagemaker/create-endpoint.sh - endpoint config + real-time endpoint for $MODEL_NAME,
# wait until InService, one test invocation, then target-tracking autoscaling of the variant
# (AUTOSCALE_MIN..AUTOSCALE_MAX instances, AUTOSCALE_TARGET invocations per instance per minute).
# NOT RUN AGAINST AWS (see env.sh). Run create-model.sh first.
source "$(dirname "$0")/env.sh"
AUTOSCALE_MIN=${AUTOSCALE_MIN:-$INSTANCE_COUNT}
AUTOSCALE_MAX=${AUTOSCALE_MAX:-4}
AUTOSCALE_TARGET=${AUTOSCALE_TARGET:-60000}
config_name=${ENDPOINT_CONFIG_NAME:-$MODEL_NAME-config}

# The container answers /ping within a second of starting; 120 s leaves room for the image pull
# and model download (ModelDataDownloadTimeoutInSeconds).
variants=$(printf '[{"VariantName":"AllTraffic","ModelName":"%s","InstanceType":"%s","InitialInstanceCount":%d,"InitialVariantWeight":1.0,"ContainerStartupHealthCheckTimeoutInSeconds":120,"ModelDataDownloadTimeoutInSeconds":600}]' \
  "$MODEL_NAME" "$INSTANCE_TYPE" "$INSTANCE_COUNT")
run aws sagemaker create-endpoint-config --endpoint-config-name "$config_name" \
    --production-variants "$variants"

# A new endpoint, or a blue/green update of an existing one to the new config.
if [ "$DRY_RUN" != 1 ] && aws sagemaker describe-endpoint --endpoint-name "$ENDPOINT_NAME" >/dev/null 2>&1; then
  run aws sagemaker update-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$config_name"
else
  run aws sagemaker create-endpoint --endpoint-name "$ENDPOINT_NAME" --endpoint-config-name "$config_name"
fi
run aws sagemaker wait endpoint-in-service --endpoint-name "$ENDPOINT_NAME"

# One request per content type would look the same; text/plain = one record per line.
body=$(mktemp); out=$(mktemp); trap 'rm -f "$body" "$out"' EXIT
printf 'I loved this movie\nawful film, a complete waste of time\n' >"$body"
run aws sagemaker-runtime invoke-endpoint --endpoint-name "$ENDPOINT_NAME" \
    --content-type text/plain --accept application/json --body "fileb://$body" "$out"
[ "$DRY_RUN" = 1 ] || { cat "$out"; echo; }

# Scale past one machine: SageMaker adds instances when invocations per instance exceed the target.
resource=endpoint/$ENDPOINT_NAME/variant/AllTraffic
run aws application-autoscaling register-scalable-target --service-namespace sagemaker \
    --resource-id "$resource" --scalable-dimension sagemaker:variant:DesiredInstanceCount \
    --min-capacity "$AUTOSCALE_MIN" --max-capacity "$AUTOSCALE_MAX"
policy=$(printf '{"TargetValue":%d.0,"PredefinedMetricSpecification":{"PredefinedMetricType":"SageMakerVariantInvocationsPerInstance"},"ScaleInCooldown":300,"ScaleOutCooldown":60}' \
  "$AUTOSCALE_TARGET")
run aws application-autoscaling put-scaling-policy --policy-name textclf-invocations \
    --service-namespace sagemaker --resource-id "$resource" \
    --scalable-dimension sagemaker:variant:DesiredInstanceCount \
    --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration "$policy"
echo "endpoint: $ENDPOINT_NAME ($INSTANCE_COUNT x $INSTANCE_TYPE, autoscaling $AUTOSCALE_MIN..$AUTOSCALE_MAX)"
