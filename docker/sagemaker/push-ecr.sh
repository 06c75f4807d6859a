#!/usr/bin/env bash
# docker/sagemaker/push-ecr.sh - build the image and push it to Amazon ECR as $IMAGE_URI.
# NOT RUN AGAINST AWS (see env.sh). Needs docker (or ENGINE=podman) and `aws` v2.
# SageMaker pulls linux/amd64 images for ml.c5/m5/... instances; for Graviton (ml.c7g, ml.m7g)
# build linux/arm64 instead: PLATFORM=linux/arm64 (the Dockerfile is architecture-neutral).
source "$(dirname "$0")/env.sh"
ENGINE=${ENGINE:-docker}
PLATFORM=${PLATFORM:-linux/amd64}

# The repository, created once, with scan on push.
if [ "$DRY_RUN" = 1 ] || ! aws ecr describe-repositories --repository-names "$ECR_REPO" >/dev/null 2>&1; then
  run aws ecr create-repository --repository-name "$ECR_REPO" \
      --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE
fi

if [ "$DRY_RUN" = 1 ]; then
  echo "+ aws ecr get-login-password | $ENGINE login --username AWS --password-stdin $ECR_HOST"
else
  aws ecr get-login-password | "$ENGINE" login --username AWS --password-stdin "$ECR_HOST"
fi
run "$ENGINE" build --platform "$PLATFORM" -t "$IMAGE_URI" "$REPO_ROOT"
run "$ENGINE" push "$IMAGE_URI"
echo "pushed $IMAGE_URI"
