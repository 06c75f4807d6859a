# textclf container image: `docker run IMAGE serve` under the SageMaker hosting contract, and an
# AWS Lambda container image (the same entrypoint runs `textclf lambda` when Lambda starts it).
#
#   make docker                        # tools/container.sh build (docker, or podman where no engine runs)
#   docker run --rm -p 8080:8080 textclf serve
#   docker run --rm -p 8080:8080 -v "$PWD/mymodel:/opt/ml/model:ro" --read-only --tmpfs /tmp textclf serve
#
# Layout in the image (docker/serve reads the TEXTCLF_* variables below):
#   /usr/local/bin/serve                  entrypoint: starts `textclf serve` and nginx, forwards SIGTERM;
#                                         under Lambda ($AWS_LAMBDA_RUNTIME_API set): `textclf lambda`
#   /usr/local/bin/textclf                the daemon / CLI
#   /opt/textclf/nginx.conf               nginx front (listens on $SAGEMAKER_BIND_TO_PORT, default 8080)
#   /opt/textclf/models/sentiment-en      bundled model, served when /opt/ml/model is absent or empty
#   /opt/ml/model                         where SageMaker unpacks model.tar.gz (empty in the image)
# Everything runs as the unprivileged user textclf (uid 10001); all run-time writes go to /tmp,
# so the root filesystem can be read-only. See docs/deploy.md.

# ---- build stage: the -dev packages, the compiler, and the runtime root filesystem ----
FROM debian:bookworm AS build
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential pkg-config libmicrohttpd-dev libcjson-dev libpcre2-dev libmurmurhash-dev libsvm-dev \
        libcurl4-openssl-dev libssl-dev nginx busybox-static; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY include/ include/
COPY src/ src/
RUN make -j"$(nproc)" WERROR=1 build/textclf && strip --strip-unneeded build/textclf
# The runtime image is this directory and nothing else: the binary, nginx, bash, a static
# busybox and their shared libraries (docker/mkrootfs.sh). debian:bookworm-slim alone was
# 75 MB of the old 93 MB image; Lambda and SageMaker Serverless pull the image on every
# cold start.
COPY docker/mkrootfs.sh /usr/local/bin/mkrootfs.sh
RUN mkrootfs.sh /rootfs

# ---- runtime stage: only /rootfs ----
FROM scratch
LABEL org.opencontainers.image.title="textclf" \
      org.opencontainers.image.description="TF-IDF + linear text classifier daemon (SageMaker inference contract; AWS Lambda runtime)" \
      com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true
COPY --from=build /rootfs/ /

ENV TEXTCLF_BIN=/usr/local/bin/textclf \
    TEXTCLF_NGINX_CONF=/opt/textclf/nginx.conf \
    TEXTCLF_FALLBACK_MODEL=/opt/textclf/models/sentiment-en \
    SM_MODEL_DIR=/opt/ml/model \
    TMPDIR=/tmp \
    PATH=/usr/local/bin:/usr/bin:/usr/sbin

# Least frequently changed first, so a code change rebuilds only the last small layers.
COPY models/sentiment-en/ /opt/textclf/models/sentiment-en/
COPY nginx.conf /opt/textclf/nginx.conf
COPY docker/serve /usr/local/bin/serve
COPY --from=build /src/build/textclf /usr/local/bin/textclf

USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
# SageMaker runs `docker run IMAGE serve`; exec form so serve is PID 1 and receives SIGTERM itself.
# AWS Lambda runs the same entrypoint with AWS_LAMBDA_RUNTIME_API set: serve then execs
# `textclf lambda` (no nginx).
ENTRYPOINT ["/usr/local/bin/serve"]
CMD ["serve"]
