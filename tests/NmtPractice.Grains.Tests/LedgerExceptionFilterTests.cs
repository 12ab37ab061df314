using System.Net.Sockets;
using Orleans.Runtime;
using NmtPractice.Grains.Infrastructure;
using Npgsql;

namespace NmtPractice.Grains.Tests;

/// <summary>
/// Which failures the grains turn into <see cref="LedgerUnavailableException"/> (the gateway's UNAVAILABLE): only a
/// database that cannot serve now, thrown by a grain method or wrapped by Orleans (grain state read at activation).
/// Constraint violations, privilege errors and bad statements are faults: they go on as they are (INTERNAL).
/// </summary>
public sealed class LedgerExceptionFilterTests
{
    private static PostgresException ServerError(string sqlState) => new("boom", "ERROR", "ERROR", sqlState);

    /// <summary>Orleans' wrapping of a storage failure met by a grain activation, as the outgoing filter sees it.</summary>
    private static Exception Wrapped(Exception e) =>
        new AggregateException(new OrleansException("outer", new OrleansException("Error from storage provider", e)));

    public static TheoryData<string> UnavailableStates => new()
    {
        PostgresErrorCodes.ConnectionException,            // 08000
        PostgresErrorCodes.ConnectionFailure,              // 08006
        PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection, // 08001
        PostgresErrorCodes.AdminShutdown,                  // 57P01: fast shutdown, pg_terminate_backend
        PostgresErrorCodes.CrashShutdown,                  // 57P02
        PostgresErrorCodes.CannotConnectNow,               // 57P03: starting up or shutting down
        PostgresErrorCodes.TooManyConnections,             // 53300
        PostgresErrorCodes.InsufficientResources,          // 53000
        PostgresErrorCodes.DiskFull,                       // 53100
        PostgresErrorCodes.QueryCanceled,                  // 57014: statement_timeout
    };

    public static TheoryData<string> FaultStates => new()
    {
        PostgresErrorCodes.UniqueViolation,                // 23505
        PostgresErrorCodes.ForeignKeyViolation,            // 23503
        PostgresErrorCodes.NotNullViolation,               // 23502
        PostgresErrorCodes.CheckViolation,                 // 23514
        PostgresErrorCodes.ExclusionViolation,             // 23P01
        PostgresErrorCodes.InsufficientPrivilege,          // 42501
        PostgresErrorCodes.SyntaxError,                    // 42601
        PostgresErrorCodes.UndefinedTable,                 // 42P01
        PostgresErrorCodes.UndefinedColumn,                // 42703
        PostgresErrorCodes.UndefinedFunction,              // 42883
        PostgresErrorCodes.InvalidTextRepresentation,      // 22P02
        PostgresErrorCodes.RaiseException,                 // P0001: a trigger refusing, e.g. the audit trail's
        PostgresErrorCodes.LockNotAvailable,               // 55P03: NOWAIT, ours to avoid
        PostgresErrorCodes.InternalError,                  // XX000
    };

    [Fact]
    public void A_connection_failure_is_a_database_failure_thrown_by_a_method_or_wrapped_by_Orleans()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
        var broken = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());
        var timedOut = new NpgsqlException("Exception while reading from stream", new TimeoutException());
        foreach (var e in new[] { refused, broken, timedOut })
        {
            Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(e, timeouts: true));
            Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(e, timeouts: false));
            Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(Wrapped(e), timeouts: false));
        }
    }

    [Theory]
    [MemberData(nameof(UnavailableStates))]
    public void A_server_that_cannot_serve_now_is_a_database_failure(string sqlState)
    {
        var e = ServerError(sqlState);
        Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(e, timeouts: true));
        Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(Wrapped(e), timeouts: false));
    }

    [Theory]
    [MemberData(nameof(FaultStates))]
    public void A_constraint_privilege_or_statement_error_is_a_fault_not_unavailability(string sqlState)
    {
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(ServerError(sqlState), timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(ServerError(sqlState), timeouts: false));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(Wrapped(ServerError(sqlState)), timeouts: false));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    public void Concurrency_that_outlived_the_ledgers_retries_keeps_its_retryable_answer(string sqlState)
    {
        // Not an outage, but safe to retry with the same request id: it has always been UNAVAILABLE, never INTERNAL.
        var e = ServerError(sqlState);
        Assert.True(LedgerExceptionFilter.IsConcurrency(sqlState));
        Assert.False(LedgerExceptionFilter.IsUnavailable(sqlState));
        Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(e, timeouts: true));
        Assert.Same(e, LedgerExceptionFilter.DatabaseFailure(Wrapped(e), timeouts: false));
    }

    [Fact]
    public void A_timeout_counts_inside_a_grain_method_only()
    {
        var timeout = new TimeoutException();
        Assert.Same(timeout, LedgerExceptionFilter.DatabaseFailure(timeout, timeouts: true));
        Assert.Null(LedgerExceptionFilter.DatabaseFailure(timeout, timeouts: false));
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
