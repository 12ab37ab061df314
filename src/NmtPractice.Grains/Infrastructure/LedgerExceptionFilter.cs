using Npgsql;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// Turns database failures into <see cref="LedgerUnavailableException"/>, logged once here, so no database driver
/// exception reaches a caller. As an incoming filter it covers every grain method (the ledger, the directory, the
/// audit log, grain state written during a call); as an outgoing filter it covers what no method sees, such as grain
/// state that cannot be read when a grain activates (Orleans wraps storage failures in an <see cref="OrleansException"/>).
/// Which failures count: a timeout or any database exception thrown by a grain method; in Orleans' wrapping, a
/// connection-level exception or a transient server error (any other server error stays what it is).
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
    /// The failure that makes <paramref name="e"/> a database outage, or null when it is something else. A timeout
    /// counts only with <paramref name="timeouts"/>: inside a grain method (on the caller's side it is the call's own
    /// timeout, which the gateway maps itself).
    /// </summary>
    public static Exception? DatabaseFailure(Exception e, bool timeouts)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is NpgsqlException || (timeouts && e is TimeoutException))
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
                case NpgsqlException npgsql when npgsql is not PostgresException || npgsql.IsTransient:
                    return npgsql;
                default:
                    return null;
            }
        }
        return null;
    }
}
