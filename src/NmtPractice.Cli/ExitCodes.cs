namespace NmtPractice.Cli;

/// <summary>What <c>nmt</c> returns to the shell. The mapping from gRPC status codes lives here and nowhere else.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Anything not listed below (internal errors, unimplemented calls, cancellation).</summary>
    public const int Failure = 1;
    /// <summary>A bad command line or a value the server rejected as invalid (INVALID_ARGUMENT, OUT_OF_RANGE).</summary>
    public const int Usage = 2;
    /// <summary>NOT_FOUND.</summary>
    public const int NotFound = 3;
    /// <summary>Refused by a rule or a conflict: FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED.</summary>
    public const int Refused = 4;
    /// <summary>The server cannot be reached or did not answer in time: UNAVAILABLE, DEADLINE_EXCEEDED.</summary>
    public const int Unavailable = 5;
    /// <summary>Not logged in (UNAUTHENTICATED: no token, or an expired or invalid one) or not allowed (PERMISSION_DENIED).</summary>
    public const int Denied = 6;

    public static int For(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => Usage,
        StatusCode.NotFound => NotFound,
        StatusCode.FailedPrecondition or StatusCode.AlreadyExists or StatusCode.Aborted => Refused,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => Denied,
        _ => Failure,
    };
}
