# The NmtPractice server: one image for every role (silo+gateway, silo, gateway) and for `migrate`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/NmtPractice.Server/NmtPractice.Server.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# Silo-to-silo, Orleans gateway (external clients), gRPC API, HTTP/JSON API (the gRPC port + 1 unless Nmt__HttpUrl).
EXPOSE 11111 30000 5080 5081
ENV ASPNETCORE_URLS=http://0.0.0.0:5080 \
    Nmt__ListenOnAnyHostAddress=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER app
ENTRYPOINT ["dotnet", "NmtPractice.Server.dll"]
