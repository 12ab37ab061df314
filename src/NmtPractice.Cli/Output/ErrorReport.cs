using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;
using RpcStatus = Google.Rpc.Status;

namespace NmtPractice.Cli.Output;

/// <summary>
/// A failed command as a <c>google.rpc.Status</c> (the server's, or one made for a local error) with its exit code;
/// rendered for a person (reason, message, field, alternative slots) or as JSON for a script. Goes to stderr.
/// </summary>
public sealed record ErrorReport(int ExitCode, RpcStatus Status)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor, Alternatives.Descriptor, RetryInfo.Descriptor, PreconditionFailure.Descriptor))
        .WithFormatDefaultValues(false));

    public StatusCode Code => (StatusCode)Status.Code;

    public static ErrorReport From(Exception exception) => exception switch
    {
        RpcException rpc => FromRpc(rpc),
        CliUsageException usage => Local(StatusCode.InvalidArgument, usage.Message, usage.Field),
        OperationCanceledException => Local(StatusCode.Cancelled, "Cancelled.", ""),
        InvalidJsonException or FormatException or IOException => Local(StatusCode.InvalidArgument, exception.Message, ""),
        HttpRequestException => Local(StatusCode.Unavailable, exception.Message, ""),
        _ => Local(StatusCode.Unknown, exception.Message, ""),
    };

    public static ErrorReport FromRpc(RpcException rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        var status = rpc.GetRpcStatus() ?? new RpcStatus { Code = (int)rpc.StatusCode, Message = WithCause(rpc.Status.Detail, rpc.Status.DebugException) };
        return new ErrorReport(ExitCodes.For((StatusCode)status.Code), status);
    }

    /// <summary>A transport failure's innermost cause ("Connection refused") helps more than "Error connecting to subchannel."</summary>
    private static string WithCause(string detail, Exception? debug)
    {
        var cause = debug;
        while (cause?.InnerException is not null)
        {
            cause = cause.InnerException;
        }
        return cause is null || detail.Contains(cause.Message, StringComparison.Ordinal) ? detail : $"{detail} ({cause.Message})";
    }

    private static ErrorReport Local(StatusCode code, string message, string field)
    {
        var status = new RpcStatus { Code = (int)code, Message = message };
        if (field.Length > 0)
        {
            status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = message } } }));
        }
        return new ErrorReport(ExitCodes.For(code), status);
    }

    public T? Detail<T>() where T : class, IMessage<T>, new() =>
        Status.Details.Where(d => d.Is(new T().Descriptor)).Select(d => d.Unpack<T>()).FirstOrDefault();

    /// <summary>The google.rpc.Status as protobuf JSON, details included.</summary>
    public string ToJson() => Json.Format(Status);

    /// <summary>For a person: the reason code and message, then the fields at fault and the nearest free slots.</summary>
    public string ToText(string? server = null)
    {
        var info = Detail<ErrorInfo>();
        var badRequest = Detail<BadRequest>();
        var alternatives = Detail<Alternatives>();
        var codeName = CodeName(Code);
        var text = new StringBuilder();
        var reason = info is { Reason.Length: > 0 } && info.Reason != codeName ? $"{info.Reason} ({codeName})" : codeName;
        text.Append(CultureInfo.InvariantCulture, $"error: {reason}: {Status.Message}").Append('\n');
        if (badRequest is not null)
        {
            foreach (var v in badRequest.FieldViolations)
            {
                var description = v.Description.Length == 0 || v.Description == Status.Message ? "" : $" — {v.Description}";
                text.Append(CultureInfo.InvariantCulture, $"  field: {v.Field}{description}").Append('\n');
            }
        }
        else if (info is not null && info.Metadata.TryGetValue("field", out var field) && field.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  field: {field}").Append('\n');
        }
        if (Detail<PreconditionFailure>() is { Violations.Count: > 0 } failure)
        {
            text.Append("  appointments:").Append('\n');
            foreach (var v in failure.Violations)
            {
                text.Append(CultureInfo.InvariantCulture, $"    {v.Subject.Replace("appointments/", "", StringComparison.Ordinal)}").Append('\n');
            }
            if (info?.Reason == "WOULD_STRAND_BOOKINGS")
            {
                text.Append("  (with --stranded cancel they are cancelled; with --stranded cover a cover plan is proposed)").Append('\n');
            }
        }
        if (alternatives is not null)
        {
            if (alternatives.Slots.Count == 0)
            {
                text.Append("  no free slot nearby that day").Append('\n');
            }
            else
            {
                text.Append("  nearest free slots:").Append('\n');
                foreach (var s in alternatives.Slots)
                {
                    text.Append(CultureInfo.InvariantCulture, $"    {s.LocalStart.Replace('T', ' ')} {s.UtcOffset} {s.TimeZone}  therapist {s.TherapistId}  room {s.RoomId}").Append('\n');
                }
            }
        }
        if (Code == StatusCode.Unauthenticated)
        {
            text.Append("  log in with `nmt login --email EMAIL` (a staff account), on the server's machine with `nmt login --role ROLE [--clinic ID]...`, or set NMT_TOKEN").Append('\n');
        }
        if (Code == StatusCode.Unavailable && server is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  server: {server} (set --server or NMT_SERVER; start one with `dotnet run --project src/NmtPractice.Server`)").Append('\n');
        }
        return text.ToString();
    }

    /// <summary>"FAILED_PRECONDITION" for <see cref="StatusCode.FailedPrecondition"/>, as gRPC spells it.</summary>
    public static string CodeName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DataLoss => "DATA_LOSS",
        _ => code.ToString().ToUpperInvariant(),
    };
}
