#!/usr/bin/env bash
# docker/sagemaker/batch-transform.sh INPUT_S3_URI OUTPUT_S3_URI - Batch Transform over text
# files with one record per line: SplitType=Line + BatchStrategy=MultiRecord packs as many lines
# as fit into each /invocations request (up to MAX_PAYLOAD_MB); the container returns exactly
# one JSON line per input line, in order, and AssembleWith=Line writes them to INPUT.out.
# NOT RUN AGAINST AWS (see env.sh). Run create-model.sh first.
source "$(dirname "$0")/env.sh"
[ $# -eq 2 ] || die "usage: batch-transform.sh s3://bucket/input-prefix/ s3://bucket/output-prefix/"
input=$1; output=$2
job=${JOB_NAME:-textclf-batch-$(date -u +%Y%m%d-%H%M%S)}
BATCH_INSTANCE_TYPE=${BATCH_INSTANCE_TYPE:-ml.c5.xlarge}
BATCH_INSTANCE_COUNT=${BATCH_INSTANCE_COUNT:-1}
MAX_PAYLOAD_MB=${MAX_PAYLOAD_MB:-6}
# One request at a time per vCPU keeps every daemon thread busy (ml.c5.xlarge: 4 vCPUs).
MAX_CONCURRENT=${MAX_CONCURRENT:-4}

transform_input=$(printf '{"DataSource":{"S3DataSource":{"S3DataType":"S3Prefix","S3Uri":"%s"}},"ContentType":"text/plain","SplitType":"Line","CompressionType":"None"}' "$input")
transform_output=$(printf '{"S3OutputPath":"%s","Accept":"application/jsonlines","AssembleWith":"Line"}' "$output")
resources=$(printf '{"InstanceType":"%s","InstanceCount":%d}' "$BATCH_INSTANCE_TYPE" "$BATCH_INSTANCE_COUNT")
run aws sagemaker create-transform-job --transform-job-name "$job" --model-name "$MODEL_NAME" \
    --batch-strategy MultiRecord --max-payload-in-mb "$MAX_PAYLOAD_MB" \
    --max-concurrent-transforms "$MAX_CONCURRENT" \
    --environment SAGEMAKER_MODEL_SERVER_TIMEOUT=600,TEXTCLF_LOG_LEVEL=warn \
    --transform-input "$transform_input" --transform-output "$transform_output" \
    --transform-resources "$resources"
run aws sagemaker wait transform-job-completed-or-stopped --transform-job-name "$job"
run aws sagemaker describe-transform-job --transform-job-name "$job" \
    --query '{Status: TransformJobStatus, Failure: FailureReason}'
echo "results: $output (one <input file>.out per input file, one JSON line per input line)"
