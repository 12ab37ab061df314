using Npgsql;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Turns a database that cannot serve now into <see cref="LedgerUnavailableException"/> (the gateway's UNAVAILABLE),
/// logged once here. As an incoming filter it covers every grain method (the ledger, the directory, the audit log, grain
/// state written during a call); as an outgoing filter it covers what no method sees, such as grain state that cannot be
/// read when a grain activates (Orleans wraps storage failures in an <see cref="OrleansException"/>).
/// Only unavailability counts (see <see cref="DatabaseFailure"/>): a constraint violation, a privilege error or a bad
/// statement is a fault of ours and goes on as it is, so the gateway logs it and answers INTERNAL with a trace id.
/// </summary>
public sealed class LedgerExceptionFilter(ILogger<LedgerExceptionFilter> logger) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (DatabaseFailure(e, timeouts: true) is { } cause)
        {
            logger.LogWarning(e, "Database failure in {Grain}.{Method}", context.TargetContext.GrainId, context.MethodName);
            throw Translate(cause);
        }
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (DatabaseFailure(e, timeouts: false) is { } cause)
        {
            logger.LogWarning(e, "Database failure calling {Grain}.{Method}", context.TargetId, context.MethodName);
            throw Translate(cause);
        }
    }

    private static LedgerUnavailableException Translate(Exception cause)
    {
        var state = cause is PostgresException pg ? $" ({pg.SqlState})" : "";
        return new LedgerUnavailableException($"The database is unavailable{state}: {cause.Message}");
    }

    /// <summary>
    /// The failure that makes <paramref name="e"/> (or what Orleans wraps in it) a database that cannot serve now, or
    /// null when it is something else. A timeout counts only with <paramref name="timeouts"/>: inside a grain method (on
    /// the caller's side it is the call's own timeout, which the gateway maps itself).
    /// </summary>
    public static Exception? DatabaseFailure(Exception e, bool timeouts)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (timeouts && e is TimeoutException)
        {
            return e;
        }
        for (var depth = 0; depth < 8; depth++)
        {
            switch (e)
            {
                case LedgerUnavailableException:
                    return null;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                case OrleansException { InnerException: { } inner }:
                    e = inner;
                    continue;
                case PostgresException server:
                    return IsUnavailable(server.SqlState) || IsConcurrency(server.SqlState) ? server : null;
                case NpgsqlException connection:
                    // No answer from the server at all: refused or broken connection, I/O error, timeout, exhausted pool.
                    return connection;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The server is going away or cannot serve now: connection exceptions (class 08), shutdown, crash or start-up
    /// (57P01 admin_shutdown, which pg_terminate_backend also sends; 57P02 crash_shutdown; 57P03 cannot_connect_now),
    /// insufficient resources (class 53: too many connections, out of memory, disk full), a statement cancelled by the
    /// server's statement_timeout (57014) and a database dropped under us (57P04). These are what Npgsql's IsTransient
    /// calls transient, less the concurrency ones below and the lock waits (55P03, 55006), which are ours to avoid.
    /// </summary>
    public static bool IsUnavailable(string sqlState)
    {
        ArgumentNullException.ThrowIfNull(sqlState);
        return sqlState.StartsWith("08", StringComparison.Ordinal)
            || sqlState.StartsWith("53", StringComparison.Ordinal)
            || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.DatabaseDropped or PostgresErrorCodes.QueryCanceled;
    }

    /// <summary>
    /// A serialization failure (40001) or deadlock (40P01) that outlived the ledger's own retries. Not an outage but
    /// concurrency; safe to retry with the same request id, so it keeps the answer it has always had: UNAVAILABLE
    /// (retry later), never INTERNAL.
    /// </summary>
    public static bool IsConcurrency(string sqlState) =>
        sqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;
}
