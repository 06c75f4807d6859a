#!/usr/bin/env bash
# docker/sagemaker/delete.sh - remove the endpoint, its config, its autoscaling and the model
# (the ECR image and the S3 objects stay). NOT RUN AGAINST AWS (see env.sh).
source "$(dirname "$0")/env.sh"
config_name=${ENDPOINT_CONFIG_NAME:-$MODEL_NAME-config}
resource=endpoint/$ENDPOINT_NAME/variant/AllTraffic
run aws application-autoscaling deregister-scalable-target --service-namespace sagemaker \
    --resource-id "$resource" --scalable-dimension sagemaker:variant:DesiredInstanceCount || true
run aws sagemaker delete-endpoint --endpoint-name "$ENDPOINT_NAME" || true
run aws sagemaker wait endpoint-deleted --endpoint-name "$ENDPOINT_NAME" || true
run aws sagemaker delete-endpoint-config --endpoint-config-name "$config_name" || true
run aws sagemaker delete-model --model-name "$MODEL_NAME" || true
