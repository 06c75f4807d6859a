#!/usr/bin/env bash
# docker/sagemaker/create-model.sh - register $IMAGE_URI + $MODEL_S3_URI as SageMaker model
# $MODEL_NAME. SageMaker unpacks model.tar.gz into /opt/ml/model and runs `docker run IMAGE serve`.
# NOT RUN AGAINST AWS (see env.sh). Run push-ecr.sh and upload-model.sh first.
source "$(dirname "$0")/env.sh"
need SAGEMAKER_ROLE_ARN S3_BUCKET
# Environment reaches the container as is: the payload limit of nginx and the daemon, and the
# daemon's thread count (default: the instance's vCPUs).
container=$(printf '{"Image":"%s","ModelDataUrl":"%s","Environment":{"SAGEMAKER_MAX_PAYLOAD_IN_MB":"6","TEXTCLF_LOG_LEVEL":"info"}}' \
  "$IMAGE_URI" "$MODEL_S3_URI")
run aws sagemaker create-model --model-name "$MODEL_NAME" \
    --execution-role-arn "$SAGEMAKER_ROLE_ARN" --primary-container "$container"
echo "model: $MODEL_NAME"
