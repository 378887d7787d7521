# Builds the specsync binary and ships it with the examples.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/specsync ./cmd/specsync

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /app specsync
WORKDIR /app
COPY --from=build /out/specsync /usr/local/bin/specsync
COPY examples ./examples
USER specsync
ENTRYPOINT ["specsync"]
CMD ["serve"]
