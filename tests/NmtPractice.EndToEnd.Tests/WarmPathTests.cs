using System.Collections.Concurrent;
using System.Diagnostics;

namespace NmtPractice.EndToEnd.Tests;

/// <summary>
/// Grains answer the common case from memory: once its calendars are active, a booking through gRPC sends PostgreSQL
/// nothing but the group commit's write (the ledger insert with its audit row, and whatever else shares that
/// transaction), and an availability search sends nothing at all. Every Npgsql command of a call is seen through an
/// <see cref="ActivityListener"/> in this process (the server runs in it): the test starts each call under an activity
/// of its own, so the gRPC request, the grain calls and their commands all carry its trace id.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WarmPathTests : IDisposable
{
    private static readonly ActivitySource TestSource = new("NmtPractice.EndToEnd.Tests.WarmPath");

    private readonly ApiServerFixture _api;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public WarmPathTests(ApiServerFixture api)
    {
        _api = api;
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_warm_booking_only_writes_its_commit_and_a_warm_availability_search_sends_no_statement()
    {
        var chain = new ApiChain(_api, "warm");
        await chain.CreateClinicAsync();
        await chain.CreateTherapistAsync();
        var ada = await chain.RegisterClientAsync("ada");
        var date = chain.Date(2);
        BookRequest Book(int hour) => new()
        {
            RequestId = ApiChain.NewRequestId(), ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = ada.ClientId,
            TherapistId = chain.TherapistId, Start = ApiChain.At(date, hour),
        };

        // Cold: the therapist-day, clinic-day and client calendar load from the ledger. This shows that the commands
        // of a call are seen, reads and the commit's write apart; otherwise the assertions below could not fail.
        var cold = await CommandsOf(() => _api.Bookings.BookAsync(Book(10)).ResponseAsync);
        Assert.Contains(cold, c => !c.InCommit);
        Assert.Contains(cold, c => c.InCommit);

        // Warm: the same calendars, another hour. Only the commit's write.
        var warm = await CommandsOf(() => _api.Bookings.BookAsync(Book(12)).ResponseAsync);
        Assert.NotEmpty(warm);
        Assert.All(warm, c => Assert.True(c.InCommit, "read outside the commit: " + c.Text));

        // Availability over 14 days, any therapist, avoiding the client's appointments: the first search activates the
        // days' calendars, the same search again (and its second page) is answered from memory.
        var search = new SearchAvailabilityRequest
        {
            ClinicId = chain.ClinicId, ServiceId = ApiChain.FollowUp, ClientId = ada.ClientId,
            FromDate = ApiChain.Iso(date), ToDate = ApiChain.Iso(date.PlusDays(13)), PageSize = 50,
        };
        SearchAvailabilityResponse? first = null;
        Assert.NotEmpty(await CommandsOf(async () => first = await _api.Bookings.SearchAvailabilityAsync(search)));
        Assert.NotEmpty(first!.Slots);
        Assert.Empty(await CommandsOf(() => _api.Bookings.SearchAvailabilityAsync(search).ResponseAsync));
        var second = search.Clone();
        second.PageToken = first.NextPageToken;
        Assert.Empty(await CommandsOf(() => _api.Bookings.SearchAvailabilityAsync(second).ResponseAsync));
    }

    private sealed record Command(string Text, bool InCommit);

    /// <summary>The Npgsql commands that <paramref name="call"/> caused, each marked whether it ran inside the group commit's write.</summary>
    private async Task<List<Command>> CommandsOf<T>(Func<Task<T>> call)
    {
        ActivityTraceId trace;
        using (var root = TestSource.StartActivity("warm-path-call"))
        {
            Assert.NotNull(root);
            trace = root.TraceId;
            await call();
        }
        // A command's activity stops when its reader is done, before the grain answers and so before the call returns.
        return _stopped
            .Where(a => a.TraceId == trace && a.Source.Name == "Npgsql")
            .Select(a => new Command(a.DisplayName + " " + (a.GetTagItem("db.query.text") ?? a.GetTagItem("db.statement")), InCommit(a)))
            .ToList();
    }

    /// <summary>True when the command ran under the ledger's group-commit write (LedgerInsertBatcher's <c>nmt.ledger.insert</c>).</summary>
    private static bool InCommit(Activity command)
    {
        for (var a = command.Parent; a is not null; a = a.Parent)
        {
            if (a.Source.Name == "NmtPractice" && a.OperationName == "nmt.ledger.insert")
            {
                return true;
            }
        }
        return false;
    }
}
