using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using NmtPractice.Api.Http;
using NmtPractice.Tokens;
using Status = Google.Rpc.Status;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// The API as JSON over HTTP/1.1 (gRPC JSON transcoding) and gRPC-Web on the server's HTTP endpoint, against the same
/// server's gRPC answers: per service one call and one bad input with the same status and details, errors as
/// google.rpc.Status JSON, a streamed export, the OpenAPI document (every RPC of every service), CORS.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HttpJsonTests(ApiServerFixture api) : IDisposable
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithTypeRegistry(NmtHttpApi.ErrorDetailTypes));

    // Generous for a loaded 2-core CI machine: each request is one grain call or a few; a hang fails within this.
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };

    private string HttpUrl => api.Server.HttpUrl ?? throw new InvalidOperationException("The server has no HTTP endpoint.");

    public void Dispose() => _http.Dispose();

    /// <summary>One call and one bad input per service: over HTTP/JSON the same answer, status and details as over gRPC.</summary>
    [Fact]
    public async Task Every_service_answers_over_json_as_over_grpc()
    {
        var chain = new ApiChain(api, "json");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var client = await chain.RegisterClientAsync("ada");
        var date = ApiChain.Iso(chain.Date(3));
        var records = new ClientRecordService.ClientRecordServiceClient(api.Invoker);
        var audit = new AuditService.AuditServiceClient(api.Invoker);
        var reports = new ReportService.ReportServiceClient(api.Invoker);

        var users = new StaffUserService.StaffUserServiceClient(api.Invoker);
        var accounts = new AccountService.AccountServiceClient(api.Invoker);
        var events = new EventService.EventServiceClient(api.Invoker);
        var user = await users.CreateUserAsync(new CreateUserRequest
        {
            Email = $"json.{Guid.NewGuid():N}@example.com", DisplayName = "Json Example", Role = NmtRoles.FrontDesk,
            ClinicIds = { chain.ClinicId }, InitialPassword = "a long enough passphrase 42",
        });
        const string unknownLogin = """{"email":"nobody.json@example.com","password":"not the password at all"}""";

        // A null body is a GET; a body is a POST of that JSON.
        var cases = new (string Service, string Path, string? Body, Func<Task<IMessage>> Grpc, StatusCode Expected)[]
        {
            ("ClinicService", $"/v1/clinics/{chain.ClinicId}", null,
                async () => await api.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = chain.ClinicId }), StatusCode.OK),
            ("ClinicService", "/v1/clinics/json-nowhere", null,
                async () => await api.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = "json-nowhere" }), StatusCode.NotFound),
            ("StaffService", $"/v1/therapists/{chain.TherapistId}", null,
                async () => await api.Staff.GetTherapistAsync(new GetTherapistRequest { TherapistId = chain.TherapistId }), StatusCode.OK),
            ("StaffService", $"/v1/therapists/{chain.TherapistId}/weeks/2026-02-30?days=7", null,
                async () => await api.Staff.GetTherapistWeekAsync(new GetTherapistWeekRequest { TherapistId = chain.TherapistId, StartDate = "2026-02-30", Days = 7 }),
                StatusCode.InvalidArgument),
            ("ClientService", $"/v1/clients/{client.ClientId}", null,
                async () => await api.Clients.GetClientAsync(new GetClientRequest { ClientId = client.ClientId }), StatusCode.OK),
            ("ClientService", "/v1/clients", null,
                async () => await api.Clients.SearchClientsAsync(new SearchClientsRequest()), StatusCode.InvalidArgument),
            ("BookingService", $"/v1/clinics/{chain.ClinicId}/days/{date}", null,
                async () => await api.Bookings.GetClinicDayViewAsync(new GetClinicDayViewRequest { ClinicId = chain.ClinicId, Date = date }), StatusCode.OK),
            ("BookingService", $"/v1/clinics/{chain.ClinicId}/days/not-a-date", null,
                async () => await api.Bookings.GetClinicDayViewAsync(new GetClinicDayViewRequest { ClinicId = chain.ClinicId, Date = "not-a-date" }), StatusCode.InvalidArgument),
            ("ReportService", $"/v1/reports/roomUtilisation?clinicIds={chain.ClinicId}&fromDate={date}&toDate={date}&bucket=DAY", null,
                async () => await reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest { ClinicIds = { chain.ClinicId }, FromDate = date, ToDate = date, Bucket = ReportBucket.Day }),
                StatusCode.OK),
            ("ReportService", $"/v1/reports/roomUtilisation?clinicIds={chain.ClinicId}&fromDate={date}&toDate={date}", null,
                async () => await reports.GetRoomUtilisationAsync(new GetRoomUtilisationRequest { ClinicIds = { chain.ClinicId }, FromDate = date, ToDate = date }),
                StatusCode.InvalidArgument),
            ("ClientRecordService", $"/v1/clients/{client.ClientId}/record", null,
                async () => await records.GetRecordAsync(new GetRecordRequest { ClientId = client.ClientId }), StatusCode.OK),
            // A path parameter arrives URL-decoded: "bad id!" is refused as the id it is.
            ("ClientRecordService", "/v1/clients/bad%20id!/record", null,
                async () => await records.GetRecordAsync(new GetRecordRequest { ClientId = "bad id!" }), StatusCode.InvalidArgument),
            // Every audit query is audited itself (action audit.query): filtered to another action, both calls see the same rows.
            ("AuditService", "/v1/audit?clientId=json-nobody&action=client.erase", null,
                async () => await audit.QueryAuditAsync(new QueryAuditRequest { ClientId = "json-nobody", Action = "client.erase" }), StatusCode.OK),
            ("AuditService", "/v1/audit?pageToken=not-a-token", null,
                async () => await audit.QueryAuditAsync(new QueryAuditRequest { PageToken = "not-a-token" }), StatusCode.InvalidArgument),
            ("AccountService", "/v1/auth/me", null,
                async () => await accounts.WhoAmIAsync(new Google.Protobuf.WellKnownTypes.Empty()), StatusCode.OK),
            ("AccountService", "/v1/auth/login", unknownLogin,
                async () => await accounts.LoginAsync(Parser.Parse<LoginRequest>(unknownLogin)), StatusCode.Unauthenticated),
            ("StaffUserService", $"/v1/users/{user.UserId}", null,
                async () => await users.GetUserAsync(new GetUserRequest { UserId = user.UserId }), StatusCode.OK),
            ("StaffUserService", "/v1/users", """{"email":"not-an-email","displayName":"X","role":"front-desk","initialPassword":"a long enough passphrase 42"}""",
                async () => await users.CreateUserAsync(new CreateUserRequest { Email = "not-an-email", DisplayName = "X", Role = NmtRoles.FrontDesk, InitialPassword = "a long enough passphrase 42" }),
                StatusCode.InvalidArgument),
            // A server-streamed RPC refused before its first event: the same status, over HTTP an ordinary error answer.
            ("EventService", "/v1/events:watch?afterCursor=-1&replayOnly=true", null,
                async () =>
                {
                    using var watch = events.WatchEvents(new WatchEventsRequest { AfterCursor = -1, ReplayOnly = true });
                    await watch.ResponseStream.MoveNext(CancellationToken.None);
                    return watch.ResponseStream.Current;
                },
                StatusCode.InvalidArgument),
        };
        // Every service of the API is in the table (a new service needs its row).
        Assert.Equal(
            OpenApiDocument.Services.Select(s => s.Name).Order(StringComparer.Ordinal),
            cases.Select(c => c.Service).Distinct().Order(StringComparer.Ordinal));

        foreach (var (service, path, json, grpc, expected) in cases)
        {
            var (status, body) = await SendAsync(json is null ? HttpMethod.Get : HttpMethod.Post, path, json, TestTokens.Admin(api.SigningKey));
            if (expected == StatusCode.OK)
            {
                var answer = await grpc();
                Assert.True(status == HttpStatusCode.OK, $"{service} {path}: {(int)status} {body}");
                Assert.Equal(answer, Parser.Parse(body, answer.Descriptor));
            }
            else
            {
                var refused = await Assert.ThrowsAsync<RpcException>(grpc);
                Assert.Equal(expected, refused.StatusCode);
                Assert.True(HttpStatusFor(expected) == status, $"{service} {path}: {(int)status} {body}");
                AssertSameStatus(refused.Status(), Parser.Parse<Status>(body));
            }
        }
    }

    [Fact]
    public async Task A_booking_conflict_comes_back_as_json_with_its_alternatives()
    {
        var chain = new ApiChain(api, "jsonbook");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var ada = await chain.RegisterClientAsync("ada");
        var bob = await chain.RegisterClientAsync("bob");
        var start = ApiChain.At(chain.Date(2), 10);
        string BookJson(string clientId) => new JsonObject
        {
            ["requestId"] = ApiChain.NewRequestId(),
            ["clinicId"] = chain.ClinicId,
            ["serviceId"] = ApiChain.FollowUp,
            ["clientId"] = clientId,
            ["therapistId"] = chain.TherapistId,
            ["start"] = start.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        }.ToJsonString();

        var (bookedStatus, bookedBody) = await SendAsync(HttpMethod.Post, "/v1/appointments", BookJson(ada.ClientId), TestTokens.Admin(api.SigningKey));
        Assert.True(bookedStatus == HttpStatusCode.OK, bookedBody);
        var booked = Parser.Parse<Appointment>(bookedBody);
        Assert.Equal(AppointmentStatus.Booked, booked.Status);
        Assert.Equal(start, booked.Start);
        Assert.Contains("\"status\":\"BOOKED\"", bookedBody.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var (refusedStatus, refusedBody) = await SendAsync(HttpMethod.Post, "/v1/appointments", BookJson(bob.ClientId), TestTokens.Admin(api.SigningKey));
        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        var json = JsonNode.Parse(refusedBody)!;
        Assert.Equal((int)StatusCode.FailedPrecondition, (int)json["code"]!);
        var details = json["details"]!.AsArray();
        Assert.Contains(details, d => (string?)d!["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" && (string?)d["reason"] == "THERAPIST_BUSY");
        var alternatives = details.Single(d => (string?)d!["@type"] == "type.googleapis.com/nmt.practice.v1.Alternatives")!["slots"]!.AsArray();
        Assert.NotEmpty(alternatives);
        Assert.All(alternatives, s => Assert.Equal(chain.TherapistId, (string?)s!["therapistId"]));

        // The same refusal over gRPC: same code, reason and alternatives.
        var grpc = await Assert.ThrowsAsync<RpcException>(async () => await api.Bookings.BookAsync(new BookRequest
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = bob.ClientId,
            TherapistId = chain.TherapistId, Start = start,
        }));
        AssertSameStatus(grpc.Status(), Parser.Parse<Status>(refusedBody));
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401_with_a_google_rpc_status()
    {
        var (status, body) = await GetAsync("/v1/clinics", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var rpc = Parser.Parse<Status>(body);
        Assert.Equal((int)StatusCode.Unauthenticated, rpc.Code);
        Assert.Equal("TOKEN_MISSING", rpc.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>().Reason);

        // A role the RPC's policy does not allow: 403, as PERMISSION_DENIED over gRPC.
        var therapist = TestTokens.Mint(api.SigningKey, NmtRoles.Therapist, therapistId: "json-t");
        (status, body) = await GetAsync("/v1/audit", therapist);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("ROLE_NOT_ALLOWED", Parser.Parse<Status>(body).Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>().Reason);
    }

    [Fact]
    public async Task The_streamed_export_arrives_over_http_as_one_json_object_per_chunk()
    {
        var chain = new ApiChain(api, "jsonexport");
        await chain.CreateClinicAsync();
        var from = ApiChain.Iso(chain.Date(0));
        var to = ApiChain.Iso(chain.Date(40));
        var (status, body) = await GetAsync(
            $"/v1/reports:export?kind=ROOM_UTILISATION&clinicIds={chain.ClinicId}&fromDate={from}&toDate={to}&bucket=DAY", TestTokens.Admin(api.SigningKey));
        Assert.True(status == HttpStatusCode.OK, body);
        var chunks = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Parser.Parse<CsvChunk>(line)).ToList();
        Assert.True(chunks.Count >= 2, $"expected the header and rows in chunks, got {chunks.Count}");

        var reports = new ReportService.ReportServiceClient(api.Invoker);
        using var call = reports.ExportReport(new ExportReportRequest
        {
            Kind = ReportKind.RoomUtilisation, ClinicIds = { chain.ClinicId }, FromDate = from, ToDate = to, Bucket = ReportBucket.Day,
        });
        var grpc = new StringBuilder();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            grpc.Append(chunk.Text);
        }
        Assert.Equal(grpc.ToString(), string.Concat(chunks.Select(c => c.Text)));
        Assert.StartsWith("level,clinic_id,room_id,", grpc.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_web_calls_work_on_the_http_endpoint()
    {
        var chain = new ApiChain(api, "jsonweb");
        await chain.CreateClinicAsync();
        using var channel = GrpcChannel.ForAddress(HttpUrl, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
        });
        var clinics = new ClinicService.ClinicServiceClient(channel.WithToken(TestTokens.Admin(api.SigningKey)));
        var clinic = await clinics.GetClinicAsync(new GetClinicRequest { ClinicId = chain.ClinicId }, deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.Equal(await api.Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = chain.ClinicId }), clinic);

        // Errors keep their details over gRPC-Web too.
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await clinics.GetClinicAsync(new GetClinicRequest { ClinicId = "jsonweb-nowhere" }, deadline: DateTime.UtcNow.AddSeconds(60)));
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.NotNull(refused.Detail<ErrorInfo>());
    }

    /// <summary>
    /// The OpenAPI document lists every RPC of every service of the API, at the route its <c>google.api.http</c>
    /// annotation gives: the services are read from the generated code by reflection, so a new RPC without an annotation
    /// (or a new service) fails here.
    /// </summary>
    [Fact]
    public async Task The_openapi_document_lists_every_rpc_of_every_service()
    {
        var (status, body) = await GetAsync(OpenApiDocument.Path, token: null);
        Assert.Equal(HttpStatusCode.OK, status);
        var document = JsonNode.Parse(body)!;
        Assert.Equal("3.0.3", (string?)document["openapi"]);
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Verb: op.Key, Operation: op.Value!)))
            .ToList();

        var services = typeof(ClinicService).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsAbstract && t.Name.EndsWith("ServiceBase", StringComparison.Ordinal) && t.DeclaringType is not null)
            .Select(t => (ServiceDescriptor)t.DeclaringType!.GetProperty("Descriptor")!.GetValue(null)!)
            .ToList();
        Assert.Contains(services, s => s.Name == "BookingService");
        Assert.True(services.Count >= 7, $"found only {services.Count} services by reflection");
        var missing = new List<string>();
        foreach (var method in services.SelectMany(s => s.Methods))
        {
            var rule = method.GetOptions()?.GetExtension(Google.Api.AnnotationsExtensions.Http);
            var grpcName = $"{method.Service.FullName}/{method.Name}";
            var listed = operations.Where(o => (string?)o.Operation["x-grpc-method"] == grpcName).ToList();
            if (rule is null || listed.Count == 0)
            {
                missing.Add(grpcName);
                continue;
            }
            var (verb, path) = rule.PatternCase switch
            {
                Google.Api.HttpRule.PatternOneofCase.Get => ("get", rule.Get),
                Google.Api.HttpRule.PatternOneofCase.Post => ("post", rule.Post),
                Google.Api.HttpRule.PatternOneofCase.Put => ("put", rule.Put),
                Google.Api.HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
                Google.Api.HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
                _ => ("", ""),
            };
            Assert.Contains(listed, o => o.Verb == verb && o.Path == path);
        }
        Assert.True(missing.Count == 0, "RPCs without an HTTP route in the OpenAPI document: " + string.Join(", ", missing));

        // Proto comments are the descriptions; message schemas use the JSON names.
        var search = operations.Single(o => (string?)o.Operation["operationId"] == "BookingService_SearchAvailability").Operation;
        Assert.Contains("Free starts for a service", (string?)search["description"], StringComparison.Ordinal);
        Assert.Contains(search["parameters"]!.AsArray(), p => (string?)p!["name"] == "fromDate" && (string?)p["in"] == "query");
        var appointment = document["components"]!["schemas"]!["nmt.practice.v1.Appointment"]!;
        Assert.Equal("date-time", (string?)appointment["properties"]!["holdExpiresAt"]!["format"]);
        Assert.NotNull(document["components"]!["schemas"]!["nmt.practice.v1.Alternatives"]);

        // The reference page and its assets are served by the server itself (nothing from the internet).
        var (pageStatus, page) = await GetAsync(NmtHttpApi.ReferencePage + "/index.html", token: null);
        Assert.Equal(HttpStatusCode.OK, pageStatus);
        Assert.Contains("swagger-ui", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
        var (assetStatus, _) = await GetAsync(NmtHttpApi.ReferencePage + "/swagger-ui-bundle.js", token: null);
        Assert.Equal(HttpStatusCode.OK, assetStatus);
    }

    [Fact]
    public async Task Cors_is_closed_by_default_and_open_to_the_configured_origins()
    {
        const string origin = "http://desk.example.test";
        Assert.Null(await PreflightAsync(HttpUrl, origin));

        var database = await api.Postgres.CreateDatabaseAsync("cors");
        await using var server = await NmtPractice.Server.NmtServer.StartAsync(
        [
            "--ConnectionStrings:Nmt=" + database,
            "--urls=http://127.0.0.1:0",
            "--Nmt:ClusterId=cors-" + Guid.NewGuid().ToString("N")[..8],
            "--Nmt:SiloPort=0",
            "--Nmt:GatewayPort=0",
            "--Nmt:Cors:AllowedOrigins:0=" + origin,
            "--Logging:LogLevel:Default=Warning",
            TestTokens.KeyArgument(api.SigningKey),
        ]);
        Assert.Equal(origin, await PreflightAsync(server.HttpUrl!, origin));
        Assert.Null(await PreflightAsync(server.HttpUrl!, "http://elsewhere.example.test"));

        // An actual cross-origin call from the allowed origin gets its grant on the answer too.
        using var request = new HttpRequestMessage(HttpMethod.Get, server.HttpUrl + "/v1/clinics");
        request.Headers.Add("Origin", origin);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Admin(api.SigningKey));
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    /// <summary>A browser's preflight for a JSON POST with a token; the origin it is granted, or null.</summary>
    private async Task<string?> PreflightAsync(string baseUrl, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, baseUrl + "/v1/appointments");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await _http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK, $"preflight answered {(int)response.StatusCode}");
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    private Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string? token) => SendAsync(HttpMethod.Get, path, null, token);

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json, string? token)
    {
        using var request = new HttpRequestMessage(method, HttpUrl + path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpVersion.Version11, response.Version);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The HTTP status the transcoder gives each gRPC code (google.rpc.Code's HTTP mapping).</summary>
    private static HttpStatusCode HttpStatusFor(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => HttpStatusCode.BadRequest,
        StatusCode.NotFound => HttpStatusCode.NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => HttpStatusCode.Conflict,
        StatusCode.PermissionDenied => HttpStatusCode.Forbidden,
        StatusCode.Unauthenticated => HttpStatusCode.Unauthorized,
        StatusCode.Unavailable => HttpStatusCode.ServiceUnavailable,
        _ => HttpStatusCode.InternalServerError,
    };

    /// <summary>Same code, message and details (compared unpacked: a map's bytes need not come out in one order).</summary>
    private static void AssertSameStatus(Status expected, Status actual)
    {
        Assert.Equal(expected.Code, actual.Code);
        Assert.Equal(expected.Message, actual.Message);
        Assert.NotEmpty(expected.Details);
        Assert.Equal(expected.Details.Select(Unpack), actual.Details.Select(Unpack));
    }

    private static IMessage Unpack(Google.Protobuf.WellKnownTypes.Any any) =>
        NmtHttpApi.ErrorDetailTypes.Find(Google.Protobuf.WellKnownTypes.Any.GetTypeName(any.TypeUrl))!.Parser.ParseFrom(any.Value);
}
