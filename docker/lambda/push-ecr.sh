#!/usr/bin/env bash
# docker/lambda/push-ecr.sh - build and push the image for Lambda: the same image as SageMaker's,
# for the function's architecture. NOT RUN AGAINST AWS (see env.sh).
source "$(dirname "$0")/env.sh"
case "$ARCH" in arm64) PLATFORM=linux/arm64 ;; *) PLATFORM=linux/amd64 ;; esac
export PLATFORM
exec "$(dirname "$0")/../sagemaker/push-ecr.sh"
