using Google.Protobuf;
using Grpc.Net.Client;

namespace NmtPractice.Cli;

/// <summary>
/// One invocation's connection and output: the gRPC clients, call options (deadline and the bearer token), request ids,
/// a cache of clinics (for their time zones), and printing as tables or as protobuf JSON.
/// </summary>
public sealed class CliContext(Uri server, bool json, TimeSpan timeout, TextWriter output, IAnsiConsole console, string? token = null) : IDisposable
{
    private static readonly JsonFormatter JsonOut = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(true));

    private readonly Dictionary<string, Task<Clinic>> _clinics = new(StringComparer.Ordinal);
    private GrpcChannel? _channel;

    public Uri Server { get; } = server;
    public bool Json { get; } = json;
    public IAnsiConsole Console { get; } = console;
    public TextWriter Out { get; } = output;

    private GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Server);

    public ClinicService.ClinicServiceClient Clinics => new(Channel);
    public StaffService.StaffServiceClient Staff => new(Channel);
    public ClientService.ClientServiceClient Clients => new(Channel);
    public BookingService.BookingServiceClient Bookings => new(Channel);
    public ReportService.ReportServiceClient Reports => new(Channel);
    public ClientRecordService.ClientRecordServiceClient Records => new(Channel);
    public AuditService.AuditServiceClient Audit => new(Channel);
    public AccountService.AccountServiceClient Accounts => new(Channel);
    public StaffUserService.StaffUserServiceClient Users => new(Channel);

    /// <summary>The token sent as <c>authorization: Bearer</c> with every call, or null (the server will refuse).</summary>
    public string? Token { get; } = token;

    /// <summary>Every call gets the deadline from --timeout, the command's cancellation and the bearer token.</summary>
    public CallOptions Call(CancellationToken ct) =>
        new(headers: Token is null ? null : new Metadata { { "authorization", "Bearer " + Token } }, deadline: DateTime.UtcNow.Add(timeout), cancellationToken: ct);

    /// <summary>The idempotency key: the one given with --request-id, else a new GUID.</summary>
    public static string RequestId(string? given) => string.IsNullOrWhiteSpace(given) ? Guid.NewGuid().ToString("N") : given.Trim();

    /// <summary>A clinic, fetched once per invocation.</summary>
    public Task<Clinic> Clinic(string clinicId, CancellationToken ct)
    {
        if (!_clinics.TryGetValue(clinicId, out var clinic))
        {
            clinic = Clinics.GetClinicAsync(new GetClinicRequest { ClinicId = clinicId }, Call(ct)).ResponseAsync;
            _clinics[clinicId] = clinic;
        }
        return clinic;
    }

    public void Remember(Clinic clinic) => _clinics[clinic.ClinicId] = Task.FromResult(clinic);

    public async Task<DateTimeZone> ClinicZone(string clinicId, CancellationToken ct) =>
        Tables.ZoneOf(await Clinic(clinicId, ct));

    /// <summary>
    /// The instant of a --at style value: as written when it carries an offset; else read in --zone if given, else
    /// in the clinic's zone (fetched).
    /// </summary>
    public async Task<Instant> Resolve(WhenArg when, string? zoneOption, string? clinicId, string field, CancellationToken ct)
    {
        if (!when.NeedsZone)
        {
            return when.Instant!.Value;
        }
        DateTimeZone? zone = null;
        if (!string.IsNullOrWhiteSpace(zoneOption))
        {
            zone = Args.Zone(zoneOption, "--zone");
        }
        else if (clinicId is not null)
        {
            zone = await ClinicZone(clinicId, ct);
        }
        return Args.Resolve(when, zone, field);
    }

    /// <summary>JSON mode: the message as protobuf JSON (every field, defaults too). Otherwise the table.</summary>
    public void Print(IMessage message, Action<IAnsiConsole> table)
    {
        if (Json)
        {
            Out.WriteLine(JsonOut.Format(message));
        }
        else
        {
            table(Console);
        }
    }

    public static string FormatJson(IMessage message) => JsonOut.Format(message);

    public void Dispose() => _channel?.Dispose();
}
