using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NmtPractice.Api.Grpc;
using NmtPractice.Server;
using NmtPractice.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// OpenTelemetry as the server wires it (Telemetry.cs, switched on by Nmt:Otlp:Endpoint): one Book call gives one trace
/// holding the gRPC server span (ASP.NET Core), the Orleans grain-call spans and the Npgsql spans, and the OTLP exporter
/// delivers to the configured endpoint (an OTLP/HTTP receiver on 127.0.0.1 here). The spans are read from an in-memory
/// exporter added to the server's own tracer provider, so they are exactly what the configured sources produce.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TelemetryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task One_book_call_is_one_trace_with_the_grpc_server_span_grain_calls_and_npgsql()
    {
        var received = new ConcurrentQueue<long>();
        await using var receiver = await LoopbackHttp.StartAsync(app => app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue(body.Length);
            return Results.Ok();
        }));
        var spans = new List<Activity>();
        var key = TestTokens.NewKey();
        await using var server = await NmtServer.StartAsync(
            [
                "--ConnectionStrings:Nmt=" + await postgres.CreateDatabaseAsync("otel"),
                "--urls=http://127.0.0.1:0",
                "--Nmt:ClusterId=otel-" + Guid.NewGuid().ToString("N")[..8],
                "--Nmt:SiloPort=0",
                "--Nmt:GatewayPort=0",
                "--Logging:LogLevel:Default=Warning",
                "--Nmt:Otlp:Endpoint=" + receiver.Url,
                "--Nmt:Otlp:Protocol=http/protobuf",
                TestTokens.KeyArgument(key),
            ],
            services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var channel = GrpcChannel.ForAddress(server.Urls[0]);

        // The first Book of a fresh server: its calendars activate and read the ledger, the booking commits.
        var booked = await RestartTests.SetUpAndBookAsync(channel.WithToken(TestTokens.Admin(key)));

        Activity? book = null;
        List<Activity> trace = [];
        // The server span ends after the response is written, so it may be exported a moment after the call returns;
        // 10 s is generous for a loaded 2-core machine, and the grain and database spans end before it.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (spans)
            {
                book = spans.FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server
                    && a.GetTagItem(RequestIdInterceptor.TagName) as string == "restart-1");
                trace = book is null ? [] : spans.Where(a => a.TraceId == book.TraceId).ToList();
            }
            if (book is not null && trace.Any(a => a.Source.Name == "Npgsql"))
            {
                break;
            }
            await Task.Delay(100);
        }

        Assert.NotNull(book);
        Assert.Contains("BookingService/Book", book.DisplayName + " " + book.GetTagItem("url.path"), StringComparison.Ordinal);
        var names = string.Join("\n", trace.Select(a => $"{a.Source.Name}: {a.DisplayName}"));
        Assert.True(trace.Any(a => a.Source.Name == "Microsoft.Orleans.Application" && a.DisplayName.Contains("IBookingGrain", StringComparison.Ordinal)), names);
        Assert.True(trace.Any(a => a.Source.Name == "Microsoft.Orleans.Application" && a.DisplayName.Contains("CalendarGrain", StringComparison.Ordinal)), names);
        Assert.True(trace.Any(a => a.Source.Name == "Npgsql"), names);
        // Every span of the trace hangs from the server span: no orphan that started a trace of its own.
        Assert.All(trace.Where(a => a != book), a => Assert.NotEqual(default, a.ParentSpanId));
        Assert.NotEmpty(booked.AppointmentId);

        // And the OTLP exporter the server configured delivered to the endpoint.
        Assert.True(server.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        Assert.Contains(received, bytes => bytes > 0);
    }
}
