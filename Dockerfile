# textclf container image: `docker run IMAGE serve` under the SageMaker hosting contract.
#
#   make docker                        # tools/container.sh build (docker, or podman where no engine runs)
#   docker run --rm -p 8080:8080 textclf serve
#   docker run --rm -p 8080:8080 -v "$PWD/mymodel:/opt/ml/model:ro" --read-only --tmpfs /tmp textclf serve
#
# Layout in the image (docker/serve reads the TEXTCLF_* variables below):
#   /usr/local/bin/serve                  entrypoint: starts `textclf serve` and nginx, forwards SIGTERM
#   /usr/local/bin/textclf                the daemon / CLI
#   /opt/textclf/nginx.conf               nginx front (listens on $SAGEMAKER_BIND_TO_PORT, default 8080)
#   /opt/textclf/models/sentiment-en      bundled model, served when /opt/ml/model is absent or empty
#   /opt/ml/model                         where SageMaker unpacks model.tar.gz (empty in the image)
# Everything runs as the unprivileged user textclf (uid 10001); all run-time writes go to /tmp,
# so the root filesystem can be read-only. See docs/deploy.md.

# ---- build stage: the -dev packages and the compiler; only the stripped binary leaves it ----
FROM debian:bookworm AS build
RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential pkg-config libmicrohttpd-dev libcjson-dev libsvm-dev libssl-dev; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Makefile ./
COPY include/ include/
COPY src/ src/
RUN make -j"$(nproc)" WERROR=1 build/textclf && strip --strip-unneeded build/textclf

# ---- runtime stage: bookworm-slim + the four runtime libraries + nginx ----
# libssl3 (libcrypto: model file checksums) is also a dependency of nginx; it is named here
# because textclf links it directly.
FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="textclf" \
      org.opencontainers.image.description="TF-IDF + linear text classifier daemon (SageMaker inference contract)" \
      com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true

# Debian 12's nginx package (security updates of 1.22.1-9) depends on iproute2, for `ss` in its
# postinst, which only decides whether to restart a running nginx (there is none at build time; the
# postinst goes on without it). iproute2 and its libraries (libbpf, libelf, libxtables, krb5, tirpc,
# ...) add about 7 MB that nothing in this image runs, and the image must stay <= 100 MB. A local
# empty package that Provides: iproute2 satisfies the dependency, so dpkg's database stays
# consistent (`apt-get check` passes). Everything else is installed normally.
RUN set -eux; \
    mkdir -p /tmp/noip/DEBIAN; \
    printf '%s\n' 'Package: textclf-no-iproute2' 'Version: 1' 'Architecture: all' \
        'Maintainer: textclf <textclf@localhost>' 'Provides: iproute2' 'Priority: optional' \
        'Description: satisfies nginx'"'"'s iproute2 dependency in the textclf image' \
        ' nginx never runs ip or ss itself; only its postinst calls ss.' \
        > /tmp/noip/DEBIAN/control; \
    dpkg-deb --root-owner-group --build /tmp/noip /tmp/noip.deb >/dev/null; \
    dpkg -i /tmp/noip.deb; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        nginx libmicrohttpd12 libcjson1 libsvm3 libssl3; \
    if dpkg-query -W -f='${Status}' iproute2 2>/dev/null | grep -q ' installed$'; then exit 1; fi; \
    rm -rf /tmp/noip /tmp/noip.deb /var/lib/apt/lists/* /var/cache/debconf/*-old \
           /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log \
           /var/lib/dpkg/status-old /usr/share/vim /etc/nginx/sites-enabled/* /var/www/html; \
    groupadd --system --gid 10001 textclf; \
    useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent \
            --shell /usr/sbin/nologin textclf; \
    mkdir -p /opt/ml/model /opt/textclf/models

ENV TEXTCLF_BIN=/usr/local/bin/textclf \
    TEXTCLF_NGINX_CONF=/opt/textclf/nginx.conf \
    TEXTCLF_FALLBACK_MODEL=/opt/textclf/models/sentiment-en \
    SM_MODEL_DIR=/opt/ml/model \
    TMPDIR=/tmp

# Least frequently changed first, so a code change rebuilds only the last small layers.
COPY models/sentiment-en/ /opt/textclf/models/sentiment-en/
COPY nginx.conf /opt/textclf/nginx.conf
COPY docker/serve /usr/local/bin/serve
COPY --from=build /src/build/textclf /usr/local/bin/textclf

USER 10001:10001
WORKDIR /tmp
EXPOSE 8080
# SageMaker runs `docker run IMAGE serve`; exec form so serve is PID 1 and receives SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/serve"]
CMD ["serve"]
