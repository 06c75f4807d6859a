#!/usr/bin/env bash
# docker/sagemaker/upload-model.sh [MODEL_DIR] - pack a model directory as model.tar.gz
# (tools/package-model.sh: files at the archive's top level, verified with `textclf check`) and
# upload it to $MODEL_S3_URI. MODEL_DIR defaults to models/sentiment-en.
# NOT RUN AGAINST AWS (see env.sh).
source "$(dirname "$0")/env.sh"
need S3_BUCKET
model=${1:-$REPO_ROOT/models/sentiment-en}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$REPO_ROOT/tools/package-model.sh" "$model" "$tmp/model.tar.gz"
run aws s3 cp "$tmp/model.tar.gz" "$MODEL_S3_URI"
echo "model data: $MODEL_S3_URI"
