# sluice container image: Debian 12 build, slim Debian 12 runtime with only the shared libraries the
# binary links (computed from ldd in the build stage, so the two stages cannot drift apart).
#
#   docker build -t sluice .
#   docker run --rm -p 8080:8080 -p 9600:9600 sluice          # default config, embedded broker
#   docker run --rm -v $PWD/my.yaml:/etc/sluice/sluice.yaml:ro -p 8080:8080 sluice

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN tools/dev deps \
 && cmake -S . -B build/image -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=OFF \
 && cmake --build build/image --target sluice -j "$(nproc)" \
 && strip --strip-debug build/image/src/app/sluice \
 && ldd build/image/src/app/sluice | awk '/=> \// { print $3 }' | xargs -r realpath \
      | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u > /runtime-packages.txt

FROM debian:12-slim
COPY --from=build /runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
COPY --from=build /src/build/image/src/app/sluice /usr/local/bin/sluice
COPY config/sluice.yaml /etc/sluice/sluice.yaml
COPY config/examples/ /etc/sluice/examples/
# Non-root; nothing is written to disk.
USER 65532:65532
EXPOSE 8080 9600
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/sluice"]
CMD ["run", "-c", "/etc/sluice/sluice.yaml"]
