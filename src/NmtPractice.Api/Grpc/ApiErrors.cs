using System.Diagnostics.CodeAnalysis;
using Any = Google.Protobuf.WellKnownTypes.Any;
using Google.Rpc;
using RpcStatus = Google.Rpc.Status;

namespace NmtPractice.Api.Grpc;

/// <summary>
/// Turns a domain <see cref="Refusal"/> into the matching gRPC status with <c>google.rpc.Status</c> details:
/// INVALID_ARGUMENT with a BadRequest field violation; NOT_FOUND, ALREADY_EXISTS, ABORTED (a concurrent change) and
/// FAILED_PRECONDITION (every booking rule and conflict) with an ErrorInfo whose reason is the refusal's stable code;
/// a conflict also carries the nearest free slots as <see cref="Alternatives"/>; a refusal about appointments (WOULD_STRAND_BOOKINGS)
/// lists them in the ErrorInfo metadata "appointment_ids" and as a PreconditionFailure.
/// </summary>
public static class ApiErrors
{
    public const string Domain = "nmt.practice";

    /// <summary>The value of a result, or the refusal thrown as an <see cref="RpcException"/>.</summary>
    public static T OrThrow<T>(this Result<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Refusal is { } refusal)
        {
            ThrowRefused(refusal);
        }
        return result.Value!;
    }

    [DoesNotReturn]
    public static void ThrowRefused(Refusal refusal) => throw ToRpcException(refusal);

    [DoesNotReturn]
    public static void ThrowInvalid(string field, string message) => throw ToRpcException(Refusal.Invalid(field, message));

    [DoesNotReturn]
    public static void ThrowNotFound(string field, string message) => throw ToRpcException(Refusal.NotFound(field, message));

    public static RpcException NotFound(string field, string message) => ToRpcException(Refusal.NotFound(field, message));

    public static RpcException ToRpcException(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var code = refusal.Reason switch
        {
            RefusalReason.InvalidArgument => Code.InvalidArgument,
            RefusalReason.NotFound => Code.NotFound,
            RefusalReason.AlreadyExists => Code.AlreadyExists,
            RefusalReason.Concurrency => Code.Aborted,
            RefusalReason.NotAllowed => Code.PermissionDenied,
            _ => Code.FailedPrecondition,
        };
        var status = new RpcStatus { Code = (int)code, Message = refusal.Message };
        if (code == Code.InvalidArgument)
        {
            status.Details.Add(Any.Pack(new BadRequest
            {
                FieldViolations = { new BadRequest.Types.FieldViolation { Field = refusal.Field ?? "", Description = refusal.Message } },
            }));
        }
        var info = new ErrorInfo { Reason = refusal.Code, Domain = Domain };
        if (refusal.Field is { } field)
        {
            info.Metadata.Add("field", field);
        }
        if (refusal.Appointments.Count > 0)
        {
            // The appointments the refusal is about (WOULD_STRAND_BOOKINGS): in the metadata for a quick look, and as
            // precondition violations, one per appointment, for clients that walk the details.
            info.Metadata.Add("appointment_ids", string.Join(",", refusal.Appointments));
            var failure = new PreconditionFailure();
            failure.Violations.AddRange(refusal.Appointments.Select(id => new PreconditionFailure.Types.Violation
            {
                Type = refusal.Code,
                Subject = $"appointments/{id}",
                Description = "This booked appointment would be left outside rostered time.",
            }));
            status.Details.Add(Any.Pack(info));
            status.Details.Add(Any.Pack(failure));
        }
        else
        {
            status.Details.Add(Any.Pack(info));
        }
        if (refusal.IsConflict || refusal.Alternatives.Count > 0)
        {
            var alternatives = new Alternatives();
            alternatives.Slots.AddRange(refusal.Alternatives.Select(WireFormat.ToSlot));
            status.Details.Add(Any.Pack(alternatives));
        }
        return status.ToRpcException();
    }

    /// <summary>UNAVAILABLE: the cluster or the database cannot be reached now; retrying later may succeed.</summary>
    public static RpcException Unavailable(string message) => WithReason(Code.Unavailable, "UNAVAILABLE", message);

    /// <summary>UNAUTHENTICATED: no bearer token, or one that is not valid; <paramref name="reason"/> is a stable code such as TOKEN_EXPIRED.</summary>
    public static RpcException Unauthenticated(string reason, string message) => WithReason(Code.Unauthenticated, reason, message);

    /// <summary>PERMISSION_DENIED: the caller is known but may not do this; <paramref name="reason"/> is ROLE_NOT_ALLOWED, OUT_OF_SCOPE or NO_POLICY.</summary>
    public static RpcException PermissionDenied(string reason, string message) => WithReason(Code.PermissionDenied, reason, message);

    /// <summary>INTERNAL without details of the cause; <paramref name="traceId"/> lets an operator find the logged exception.</summary>
    public static RpcException Internal(string traceId) =>
        new RpcStatus
        {
            Code = (int)Code.Internal,
            Message = $"An internal error occurred. Trace id: {traceId}.",
            Details = { Any.Pack(new ErrorInfo { Reason = "INTERNAL", Domain = Domain, Metadata = { ["trace_id"] = traceId } }) },
        }.ToRpcException();

    private static RpcException WithReason(Code code, string reason, string message) =>
        new RpcStatus
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = Domain }) },
        }.ToRpcException();
}
