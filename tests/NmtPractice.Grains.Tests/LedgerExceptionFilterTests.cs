using Orleans.Runtime;
using NmtPractice.Grains.Infrastructure;
using Npgsql;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// Which failures the grains turn into <see cref="LedgerUnavailableException"/> (the gateway's UNAVAILABLE): the same
/// ones the gateway counted as unavailable when it still knew the database driver's exceptions.
/// </summary>
public sealed class LedgerExceptionFilterTests
{
    private static PostgresException ServerError(string sqlState) => new("boom", "ERROR", "ERROR", sqlState);

    [Fact]
    public void A_database_exception_thrown_by_a_grain_method_is_a_database_failure()
    {
        var connection = new NpgsqlException("connection refused");
        var constraint = ServerError(PostgresErrorCodes.UniqueViolation);
        Assert.Same(connection, LedgerExceptionFilter.DatabaseFailure(connection, timeouts: true));
        Assert.Same(constraint, LedgerExceptionFilter.DatabaseFailure(constraint, timeouts: true));
        Assert.Same(connection, LedgerExceptionFilter.DatabaseFailure(connection, timeouts: false));
    }

    [Fact]
    public void A_timeout_counts_inside_a_grain_method_only()
    {
        var timeout = new TimeoutException();
        Assert.Same(timeout, LedgerExceptionFilter.DatabaseFailure(timeout, timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(timeout, timeouts: false));
    }

    [Fact]
    public void Inside_Orleans_wrapping_a_connection_failure_or_a_transient_server_error_is_a_database_failure()
    {
        var connection = new NpgsqlException("connection refused");
        var tooMany = ServerError(PostgresErrorCodes.TooManyConnections);
        Assert.Same(connection, LedgerExceptionFilter.DatabaseFailure(new OrleansException("Error from storage provider", connection), timeouts: false));
        Assert.Same(tooMany, LedgerExceptionFilter.DatabaseFailure(
            new AggregateException(new OrleansException("outer", new OrleansException("Error from storage provider", tooMany))), timeouts: false));
    }

    [Fact]
    public void Inside_Orleans_wrapping_a_lasting_server_error_stays_what_it_is()
    {
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(
            new OrleansException("Error from storage provider", ServerError(PostgresErrorCodes.UndefinedTable)), timeouts: true));
    }

    [Fact]
    public void Our_own_exception_and_other_failures_are_left_alone()
    {
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(new LedgerUnavailableException("down"), timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(new OrleansException("wrapped", new LedgerUnavailableException("down")), timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(new InvalidOperationException("bug"), timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(new OrleansException("no silo"), timeouts: true));
    }
}
