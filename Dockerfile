# Build a static binary, then ship it alone. CMS data is not baked in: mount
# it at /data or let `hcpcs-server fetch` download it (see deploy/).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hcpcs-server ./cmd/hcpcs-server

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hcpcs-server /hcpcs-server
ENV HCPCS_DATA=/data HCPCS_LISTEN=:8080
EXPOSE 8080
USER nonroot
ENTRYPOINT ["/hcpcs-server"]
CMD ["serve"]
