namespace NmtPractice.Grains.Abstractions;

/// <summary>
/// The database could not be reached or did not answer in time. Grains throw it instead of the database driver's own
/// exceptions (see LedgerExceptionFilter in NmtPractice.Grains), so the gateway needs to know no database type: it
/// maps this exception, wherever it sits in the inner-exception chain, to UNAVAILABLE. The operation may be retried
/// with the same request id.
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
