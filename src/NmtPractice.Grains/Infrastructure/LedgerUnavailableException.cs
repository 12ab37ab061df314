using Npgsql;

namespace NmtPractice.Grains.Infrastructure;

/// <summary>
/// The database could not be reached or did not answer in time. Thrown across grain calls instead of Npgsql's own
/// exceptions (which Orleans cannot serialize); the gateway maps it to Unavailable. The operation may be retried with
/// the same request id.
/// </summary>
[GenerateSerializer, Alias("nmt.LedgerUnavailableException")]
public sealed class LedgerUnavailableException : Exception
{
    public LedgerUnavailableException()
    {
    }

    public LedgerUnavailableException(string message) : base(message)
    {
    }

    public LedgerUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>Turns database failures escaping a grain call into <see cref="LedgerUnavailableException"/>, logged once here.</summary>
public sealed class LedgerExceptionFilter(ILogger<LedgerExceptionFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && e is not LedgerUnavailableException)
        {
            logger.LogWarning(e, "Database failure in {Grain}.{Method}", context.TargetContext.GrainId, context.MethodName);
            var state = e is PostgresException pg ? $" ({pg.SqlState})" : "";
            throw new LedgerUnavailableException($"The database is unavailable{state}: {e.Message}");
        }
    }
}
